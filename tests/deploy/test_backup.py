"""fieldwork backup / restore: round trip into an empty instance, and every refusal."""

from __future__ import annotations

import json
import tarfile

import pytest
from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.extensions import db

from ..conftest import login
from ..factories import PASSWORD
from .conftest import fill, rewrite


def _manifest(archive) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        return json.loads(tar.extractfile("manifest.json").read())


def _last_audit(inst) -> AuditEvent:
    with inst.ctx():
        ev = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        db.session.expunge(ev)
        return ev


@pytest.fixture()
def source(make_instance):
    inst = make_instance("source")
    fill(inst)
    return inst


def test_round_trip_into_an_empty_instance(source, make_instance, tmp_path):
    archive = tmp_path / "out" / "b.tar.gz"
    res = source.cli("backup", "--out", str(archive))
    assert res.exit_code == 0, res.output
    assert "backup written" in res.output
    assert archive.stat().st_mode & 0o777 == 0o600
    assert not [p for p in archive.parent.iterdir() if p != archive]  # no temp files left
    manifest = _manifest(archive)
    assert manifest["database"] == "sqlite" and manifest["alembic_revision"]
    assert manifest["row_counts"]["users"] == 2 and manifest["row_counts"]["surveys"] == 1
    assert set(manifest["files"]) == {"database/fieldwork.sqlite3", "data/scans/1/page-1.png",
                                      "data/plans/survey-1/kế hoạch.pdf"}
    ev = _last_audit(source)
    assert ev.action == "deploy.backup" and ev.actor_label == "cli"
    assert ev.after["bytes"] == archive.stat().st_size

    target = make_instance("target", migrate=False)  # not even migrated
    res = target.cli("restore", str(archive))
    assert res.exit_code == 0, res.output
    counts = target.counts()
    expected = dict(manifest["row_counts"], audit_events=manifest["row_counts"]["audit_events"]
                    + 1)
    assert counts == expected
    assert target.files() == source.files()
    assert (target.data / "empty-folder").is_dir()
    ev = _last_audit(target)
    assert ev.action == "deploy.restore" and ev.after["revision"] == manifest["alembic_revision"]

    client = target.app.test_client()
    assert client.get("/login").status_code == 200
    assert login(client, "quanly@test.vn", PASSWORD).status_code == 302
    assert client.get("/").status_code == 200


def test_tampered_archive_is_refused_and_nothing_changes(source, make_instance, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert source.cli("backup", "--out", str(archive)).exit_code == 0
    bad = tmp_path / "bad.tar.gz"
    rewrite(archive, bad, lambda name, data: data[:-1] + b"!" if name.endswith(".png") else data)
    target = make_instance("target")
    before = target.counts()
    res = target.cli("restore", str(bad))
    assert res.exit_code != 0
    assert "checksum mismatch for data/scans/1/page-1.png" in res.output
    assert target.counts() == before
    assert target.files() == {}
    assert [p.name for p in target.data.iterdir()] == []  # staging removed


@pytest.mark.parametrize("name, kind", [
    ("../evil.txt", tarfile.REGTYPE),
    ("data/../../evil.txt", tarfile.REGTYPE),
    ("/tmp/evil.txt", tarfile.REGTYPE),
    ("data/link", tarfile.SYMTYPE),
    ("data/hard", tarfile.LNKTYPE),
])
def test_unsafe_members_are_refused(source, make_instance, tmp_path, name, kind):
    archive = tmp_path / "b.tar.gz"
    assert source.cli("backup", "--out", str(archive)).exit_code == 0
    info = tarfile.TarInfo(name)
    info.type = kind
    data = b"pwned" if kind == tarfile.REGTYPE else None
    if kind != tarfile.REGTYPE:
        info.linkname = "../../../etc/passwd"
    bad = tmp_path / "bad.tar.gz"
    rewrite(archive, bad, extra=[(info, data)])
    target = make_instance("target")
    res = target.cli("restore", str(bad))
    assert res.exit_code != 0 and "refused" in res.output
    assert not (tmp_path / "evil.txt").exists() and not (target.root / "evil.txt").exists()
    assert target.files() == {}
    assert target.counts()["users"] == 0


def test_non_empty_target_needs_force(source, make_instance, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert source.cli("backup", "--out", str(archive)).exit_code == 0
    target = make_instance("target")
    fill(target)
    (target.data / "stray.txt").write_text("old")
    res = target.cli("restore", str(archive))
    assert res.exit_code != 0
    assert "already holds data" in res.output and "--force" in res.output
    assert target.counts()["users"] == 2 and (target.data / "stray.txt").exists()
    res = target.cli("restore", str(archive), "--force")
    assert res.exit_code == 0, res.output
    assert target.files() == source.files()
    assert target.counts()["surveys"] == 1


def test_only_data_files_make_the_target_busy(source, make_instance, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert source.cli("backup", "--out", str(archive)).exit_code == 0
    target = make_instance("target")
    (target.data / "old.png").write_bytes(b"x")
    res = target.cli("restore", str(archive))
    assert res.exit_code != 0 and "data directory" in res.output


def test_older_archive_is_migrated_to_head(make_instance, tmp_path):
    from flask_migrate import downgrade

    old = make_instance("old")
    with old.ctx():
        downgrade(revision="0008")
    archive = tmp_path / "old.tar.gz"
    assert old.cli("backup", "--out", str(archive)).exit_code == 0
    assert _manifest(archive)["alembic_revision"] == "0008"
    target = make_instance("target", migrate=False)
    res = target.cli("restore", str(archive))
    assert res.exit_code == 0, res.output
    assert "migrated from 0008" in res.output
    from fieldwork.deploy.restore import migration_revisions
    with target.ctx():
        from fieldwork.deploy.dbdump import facts
        assert facts(db.engine)[0] == migration_revisions()[1]


def test_archive_of_another_kind_or_garbage_is_refused(make_instance, tmp_path):
    target = make_instance("target")
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    res = target.cli("restore", str(junk))
    assert res.exit_code != 0 and "not a readable backup archive" in res.output


def test_failed_backup_leaves_no_file(make_instance, tmp_path):
    inst = make_instance("inst")
    (inst.root / "fieldwork.db").unlink()
    out = tmp_path / "b.tar.gz"
    res = inst.cli("backup", "--out", str(out))
    assert res.exit_code != 0 and "does not exist" in res.output
    assert list(tmp_path.glob("*.tar.gz*")) == [] and list(tmp_path.glob(".b.tar.gz*")) == []


def test_demo_instance_round_trip(make_instance, demo_template, tmp_path):
    demo = make_instance("demo", demo=demo_template)
    archive = tmp_path / "demo.tar.gz"
    assert demo.cli("backup", "--out", str(archive)).exit_code == 0
    target = make_instance("target")
    res = target.cli("restore", str(archive))
    assert res.exit_code == 0, res.output
    source_counts, counts = demo.counts(), target.counts()
    # The source gained its backup entry after the dump, the target its restore entry.
    assert counts == source_counts
    assert target.files() == demo.files() and len(target.files()) > 10
    client = target.app.test_client()
    assert login(client, "quanly@demo.vn", demo_template.password).status_code == 302
    assert client.get("/").status_code == 200


def test_incomplete_manifest_is_refused(source, make_instance, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert source.cli("backup", "--out", str(archive)).exit_code == 0

    def drop_counts(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        del manifest["row_counts"]
        return json.dumps(manifest).encode()

    bad = tmp_path / "bad.tar.gz"
    rewrite(archive, bad, drop_counts)
    target = make_instance("target")
    res = target.cli("restore", str(bad))
    assert res.exit_code != 0 and "manifest is incomplete" in res.output
    assert target.counts()["users"] == 0

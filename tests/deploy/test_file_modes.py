"""The instance is private to the app's user (issue 15: the database file was 0644 and the data
folders, with scans of handwritten phone numbers, 0755)."""

from __future__ import annotations

import os
import stat
import subprocess

import numpy as np
import pytest

from fieldwork.deploy.serve import exposed, exposure_fix, gunicorn_options


@pytest.fixture()
def keep_umask():
    old = os.umask(0o022)  # what a login shell usually has
    yield
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_instance_is_private(make_instance, keep_umask):
    inst = make_instance("inst")  # a new folder, database migrated, under umask 022
    assert os.umask(0o077) == 0o077  # the app set it
    assert _mode(inst.root) == 0o700
    assert _mode(inst.data) == 0o700
    assert _mode(inst.root / "fieldwork.db") == 0o600
    assert _mode(inst.root / "secret_key") == 0o600
    with inst.ctx():
        from fieldwork.omr import storage
        rel, _, _ = storage.store_original(1, 1, "quet.pdf", b"%PDF-1.4 scan")
        page = storage.save_page(1, 1, np.full((40, 30), 255, np.uint8), upright=True)
    assert _mode(inst.data / rel) == 0o600
    assert _mode(inst.data / "scans") == 0o700
    assert _mode(inst.data / page) == 0o600
    assert exposed([inst.root, inst.data, inst.root / "fieldwork.db"]) == []


def test_serve_warns_about_an_exposed_instance_and_says_how_to_fix_it(tmp_path, keep_umask):
    folder = tmp_path / "old instance"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)  # noqa: S103 - an instance from before the fix
    db = folder / "fieldwork.db"
    db.write_bytes(b"")
    os.chmod(db, 0o644)
    assert exposed([folder, db, tmp_path / "missing"]) == [f"{folder} (755)", f"{db} (644)"]
    data = tmp_path / "data"
    data.mkdir()
    fix = exposure_fix(str(folder), str(data))
    assert fix == f"chmod -R go-rwx '{folder}' {data}"
    subprocess.run(["sh", "-c", fix], check=True)  # the documented one-liner
    assert exposed([folder, db]) == []
    assert gunicorn_options("127.0.0.1:9", 1, 1, 30, "127.0.0.1")["umask"] == 0o077

"""Backup and restore on PostgreSQL (pg_dump / pg_restore of the test cluster's version)."""

from __future__ import annotations

import itertools

import pytest

from ..conftest import login
from ..factories import PASSWORD
from .conftest import fill

_n = itertools.count(1)


@pytest.mark.postgres_only
def test_postgres_round_trip(database_url, pg_cluster, make_instance, tmp_path):
    n = next(_n)
    source = make_instance("source", pg_cluster.create_database(f"deploy_src_{n}"))
    fill(source)
    archive = tmp_path / "pg.tar.gz"
    pg_bin = str(pg_cluster.bin)
    res = source.cli("backup", "--out", str(archive), "--pg-bin", pg_bin)
    assert res.exit_code == 0, res.output
    assert "postgresql at revision" in res.output
    before = source.counts()

    # An empty database, not even migrated.
    target = make_instance("target", pg_cluster.create_database(f"deploy_dst_{n}"),
                           migrate=False)
    res = target.cli("restore", str(archive), "--pg-bin", pg_bin)
    assert res.exit_code == 0, res.output
    assert target.counts() == before  # each side has one audit entry more than the dump
    assert target.files() == source.files()
    client = target.app.test_client()
    assert login(client, "quanly@test.vn", PASSWORD).status_code == 302
    assert client.get("/").status_code == 200

    # Now it holds data: refused without --force, replaced with it (audit triggers and all).
    res = target.cli("restore", str(archive), "--pg-bin", pg_bin)
    assert res.exit_code != 0 and "already holds data" in res.output
    res = target.cli("restore", str(archive), "--force", "--pg-bin", pg_bin)
    assert res.exit_code == 0, res.output
    assert target.counts() == before
    from sqlalchemy import text

    from fieldwork.extensions import db
    with target.ctx(), pytest.raises(Exception, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_events"))

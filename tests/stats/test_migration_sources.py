"""Migration 0022 (declared sources, data revisions, imported rows' source and dossier code,
the plan's bands) matches the models on SQLite and PostgreSQL (``--postgres``), and goes
down and up again."""

from __future__ import annotations

from tests.migrations import drift

TABLES = {"survey_sources", "stats_revisions", "import_runs", "imported_responses",
          "plans_plans"}


def test_the_migration_matches_the_models(db):
    assert drift(db, TABLES) == []


def test_down_and_up_again(app, db):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    with app.app_context():
        downgrade(revision="0021")
        db.session.remove()
        insp = inspect(db.engine)
        assert "survey_sources" not in insp.get_table_names()
        cols = {c["name"] for c in insp.get_columns("imported_responses")}
        assert "source_id" in cols and "source" not in cols and "record_id" not in cols
        upgrade()
        db.session.remove()
        insp = inspect(db.engine)
        assert {"survey_sources", "stats_revisions"} <= set(insp.get_table_names())
        cols = {c["name"] for c in insp.get_columns("imported_responses")}
        assert {"source", "record_id", "dossier_code", "phone_hash", "cid_hash"} <= cols
        assert {"bands", "bands_source"} <= {c["name"] for c in insp.get_columns("plans_plans")}

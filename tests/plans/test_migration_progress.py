"""Migration 0017 (outcomes, scan/key differences, contact attempts, draft notes) matches the
models, on SQLite and on PostgreSQL (``--postgres``), and goes down and up again."""

from __future__ import annotations

from tests.migrations import drift

TABLES = {"frame_draw_items", "entry_differences", "plans_plans", "plans_serial_ranges",
          "survey_scope"}


def test_the_migration_matches_the_models(db):
    assert drift(db, TABLES) == []


def test_down_and_up_again(app, db):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    with app.app_context():
        downgrade(revision="0016")
        db.session.remove()
        cols = {c["name"] for c in inspect(db.engine).get_columns("frame_draw_items")}
        assert "outcome" not in cols
        upgrade()
        db.session.remove()
        cols = {c["name"] for c in inspect(db.engine).get_columns("frame_draw_items")}
        assert {"outcome", "attempts", "replaces_id"} <= cols

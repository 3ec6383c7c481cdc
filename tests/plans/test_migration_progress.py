"""Migration 0017 (outcomes, scan/key differences, contact attempts, draft notes) matches the
models, on SQLite and on PostgreSQL (``--postgres``), and goes down and up again."""

from __future__ import annotations

TABLES = {"frame_draw_items", "entry_differences", "plans_plans", "plans_serial_ranges",
          "survey_scope"}


def _touches(diff) -> bool:
    if isinstance(diff, list):
        return any(_touches(d) for d in diff)
    return any(getattr(part, "name", part) in TABLES
               or getattr(getattr(part, "table", None), "name", None) in TABLES
               for part in diff[1:])


def test_the_migration_matches_the_models(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert [d for d in compare_metadata(ctx, db.metadata) if _touches(d)] == []


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

"""Migration 0024 (printed sheets of drawn dossiers; batches printed for an agency, field and
imprint; scan batches of an agency) matches the models, on SQLite and on PostgreSQL
(``--postgres``), and goes down and up again."""

from __future__ import annotations

TABLES = {"printed_sheets", "print_batches", "scan_batches"}


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
        downgrade(revision="0023")
        db.session.remove()
        assert "printed_sheets" not in inspect(db.engine).get_table_names()
        cols = {c["name"] for c in inspect(db.engine).get_columns("print_batches")}
        assert not {"agency_id", "field_id", "personal", "imprint"} & cols
        upgrade()
        db.session.remove()
        assert "printed_sheets" in inspect(db.engine).get_table_names()
        cols = {c["name"] for c in inspect(db.engine).get_columns("print_batches")}
        assert {"agency_id", "field_id", "personal", "imprint"} <= cols
        idx = {i["name"] for i in inspect(db.engine).get_indexes("printed_sheets")}
        assert "uq_printed_sheets_live_dossier" in idx

"""Differences between the migrated database and the models, for migration tests."""

from __future__ import annotations


def _touches(diff, tables: set[str]) -> bool:
    if isinstance(diff, list):
        return any(_touches(d, tables) for d in diff)
    return any(getattr(part, "name", part) in tables
               or getattr(getattr(part, "table", None), "name", None) in tables
               for part in diff[1:])


def drift(db, tables: set[str]) -> list:
    """Alembic's differences between the database and ``db.metadata`` on these tables."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return [d for d in compare_metadata(ctx, db.metadata) if _touches(d, tables)]

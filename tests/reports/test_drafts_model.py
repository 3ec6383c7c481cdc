"""The reports tables (drafts, issues, dispatches) and the plan: the migrations match the
models; one Alembic head."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import fieldwork

MIGRATIONS = Path(fieldwork.__file__).parent / "migrations"
TABLES = {"report_drafts", "report_issues", "report_dispatches", "plans_plans"}


def _ours(diff) -> bool:
    """True when an autogenerate difference concerns one of ``TABLES``."""
    if isinstance(diff, list):
        return any(_ours(d) for d in diff)
    for part in diff[1:]:
        table = getattr(part, "table", None)
        name = getattr(part, "name", None)
        if part in TABLES or name in TABLES or getattr(table, "name", None) in TABLES:
            return True
    return False


def test_migration_matches_model(db):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(ctx, db.metadata) if _ours(d)]
    assert diffs == []


def test_single_head_and_revision():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    assert len(script.get_heads()) == 1
    rev = script.get_revision("0008")
    assert rev.down_revision == "0007" and "report" in rev.doc

"""Restoring a backup archive into an instance: check everything first, then replace."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from . import dbdump
from .backup import DB_MEMBER, STAGING_PREFIX, data_is_empty, replace_data, unpack
from .dbdump import BackupError


def migration_revisions() -> tuple[set[str], str | None]:
    """Every Alembic revision this code knows, and the head."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from .. import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS_DIR)
    script = ScriptDirectory.from_config(cfg)
    return {r.revision for r in script.walk_revisions()}, script.get_current_head()


def _refuse_if_busy(engine: Engine, data_dir: Path) -> None:
    _, counts = dbdump.facts(engine)
    tables = dbdump.holds_data(counts)
    if tables:
        shown = ", ".join(f"{t}: {counts[t]} rows" for t in tables[:4])
        more = f", and {len(tables) - 4} more tables" if len(tables) > 4 else ""
        raise BackupError(f"the target database already holds data ({shown}{more}). Restoring "
                          "would replace it; pass --force to do so (back it up first).")
    if not data_is_empty(data_dir):
        raise BackupError(f"the data directory {data_dir} holds files. Restoring would replace "
                          "them; pass --force to do so (back it up first).")


def restore_backup(archive: Path, engine: Engine, data_dir: Path, *, force: bool = False,
                   pg_bin: str | None = None, upgrade: Callable[[], None] | None = None) -> dict:
    """Restore ``archive`` into the instance; return the manifest plus what was done.

    Nothing changes unless the archive is whole (manifest, checksums, safe member names),
    was made from the same database kind by this or an older schema, and the target is
    empty or ``force`` is given. After the restore the row counts are checked against the
    manifest, then ``upgrade()`` migrates an older archive to the head.
    """
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=data_dir, prefix=STAGING_PREFIX))
    try:
        if not force:  # before reading a large archive
            _refuse_if_busy(engine, data_dir)
        manifest = unpack(Path(archive), staging)
        kind = engine.dialect.name
        if manifest["database"] != kind:
            raise BackupError(f"the archive holds a {manifest['database']} database but this "
                              f"instance uses {kind}; nothing was restored")
        known, head = migration_revisions()
        revision = manifest.get("alembic_revision")
        if revision is not None and revision not in known:
            raise BackupError(f"the archive's schema revision {revision} is newer than this "
                              "fieldwork knows; upgrade fieldwork first. Nothing was restored.")
        dump = staging / DB_MEMBER[kind]
        if kind == "sqlite":
            dbdump.sqlite_check(dump)
            engine.dispose()
            dbdump.sqlite_load(dump, engine.url.render_as_string(hide_password=False))
        else:
            dbdump.pg_load(engine, dump, pg_bin)
        engine.dispose()
        replace_data(staging / "data", data_dir)
        _, counts = dbdump.facts(engine)
        if counts != manifest["row_counts"]:
            diff = sorted(t for t in set(counts) | set(manifest["row_counts"])
                          if counts.get(t) != manifest["row_counts"].get(t))
            raise BackupError("after the restore the row counts differ from the backup in: "
                              + ", ".join(diff))
        migrated = False
        if revision != head and upgrade is not None:
            upgrade()
            migrated = True
        return manifest | {"migrated_to": head if migrated else None,
                           "files_restored": len(manifest["files"]) - 1}
    finally:
        shutil.rmtree(staging, ignore_errors=True)

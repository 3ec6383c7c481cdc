"""Files made by jobs (exports), kept in the data folder under ``jobs/<job id>/``."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import current_app


def job_folder(job_id: int, create: bool = True) -> Path:
    """The job's own folder in the data directory (emptied when the job starts again)."""
    path = Path(current_app.config["FIELDWORK_DATA_DIR"]) / "jobs" / str(int(job_id))
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def fresh_folder(job_id: int) -> Path:
    """The job's folder, emptied of anything an earlier, interrupted run left."""
    path = job_folder(job_id, create=False)
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
    return path


def result_path(job, name: str | None) -> Path | None:
    """The stored result file ``name`` of ``job`` (a bare file name only), or None."""
    if not name or Path(name).name != name or name.startswith("."):
        return None
    return job_folder(job.id, create=False) / name

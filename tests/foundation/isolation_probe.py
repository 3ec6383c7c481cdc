"""Run by test_isolation.py in a two-worker pytest (``-n 2``), never collected
on its own: each test writes down the worker it ran on and the database, folders, Redis
server and ports that worker gave it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ..isolation import free_port, worker


def _record(name: str, app, database_url, redis_url, tmp_path) -> None:
    with app.app_context():
        from fieldwork.extensions import db
        engine_url = db.engine.url.render_as_string(hide_password=False)
    record = {"test": name, "worker": worker(), "pid": os.getpid(), "database": database_url,
              "engine": engine_url, "instance": app.instance_path,
              "data": app.config["FIELDWORK_DATA_DIR"], "redis": redis_url,
              "ports": [free_port(), free_port()], "tmp": str(tmp_path)}
    out = Path(os.environ["FIELDWORK_PROBE_OUT"])
    (out / f"{name}.json").write_text(json.dumps(record))


@pytest.mark.parametrize("n", range(4))
def test_anywhere(n, app, database_url, redis_url, tmp_path):
    _record(f"anywhere-{n}", app, database_url, redis_url, tmp_path)


@pytest.mark.xdist_group("probe")
@pytest.mark.parametrize("n", range(3))
def test_grouped(n, app, database_url, redis_url, tmp_path):
    _record(f"grouped-{n}", app, database_url, redis_url, tmp_path)

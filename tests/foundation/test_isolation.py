"""Two pytest-xdist workers never share a database, a folder, a Redis server or a port."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..isolation import AlreadyClaimed, claim, claims, worker

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("isolation_probe.py")


def test_two_workers_never_share_a_database_folder_redis_or_port(tmp_path, database_url,
                                                                  request):
    """A real two-worker run of the probe: every test records what its worker was given;
    nothing of one worker's is the other's, and an xdist_group stays on one worker."""
    out = tmp_path / "out"
    out.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "FIELDWORK_TEST_RUN"))}
    env.update(FIELDWORK_PROBE_OUT=str(out), PYTHONWARNINGS="error")
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
            "--basetemp", str(tmp_path / "base"), str(PROBE)]
    if request.config.getoption("--postgres"):
        args.append("--postgres")
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    records = [json.loads(p.read_text()) for p in out.glob("*.json")]
    assert len(records) == 7, done.stdout[-2000:]
    grouped = {r["worker"] for r in records if r["test"].startswith("grouped")}
    assert len(grouped) == 1, "the xdist_group was split over workers"
    by_worker = {r["worker"]: r for r in records}
    assert sorted(by_worker) == ["gw0", "gw1"]
    a, b = by_worker["gw0"], by_worker["gw1"]
    assert a["pid"] != b["pid"]
    for key in ("database", "engine", "instance", "redis"):
        assert a[key] != b[key], f"both workers use the same {key}: {a[key]}"
    for r in records:  # what a worker was given is the same for all its tests ...
        assert (r["database"], r["redis"]) == (by_worker[r["worker"]]["database"],
                                               by_worker[r["worker"]]["redis"])
        assert r["data"] == r["tmp"] + "/data"  # ... but each test has its own data folder
    ports = [p for r in records for p in r["ports"]]
    assert len(ports) == len(set(ports)), "a port was handed out twice"
    assert len({r["data"] for r in records}) == len(records)
    if request.config.getoption("--postgres"):
        assert a["database"].endswith("_gw0") and b["database"].endswith("_gw1")
        # one cluster for the pass: same server, different databases
        assert a["database"].rsplit("/", 1)[0] == b["database"].rsplit("/", 1)[0]
    else:
        assert a["database"].startswith("sqlite:///") and b["database"].startswith("sqlite:///")


def test_a_second_claim_on_a_resource_fails_naming_the_owner(tmp_path):
    value = str(tmp_path / "some.db")
    assert claim("sqlite", value) == value
    with pytest.raises(AlreadyClaimed) as err:
        claim("sqlite", value)
    assert value in str(err.value) and f"worker {worker()}" in str(err.value)
    assert {"kind": "sqlite", "value": value, "worker": worker(), "pid": os.getpid()} \
        in claims()

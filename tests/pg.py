"""The PostgreSQL cluster of the ``--postgres`` pass: one cluster, one database per worker.

The controller (or the only process, without xdist) starts one throwaway cluster
(``fieldwork.deploy.pgcluster.Cluster``, which the benchmarks use too) and tells the workers
where it is. A worker sees it as a ``WorkerCluster``: every database it creates carries the
worker's name (``fieldwork_test_gw0``, ``deploy_src_3_gw1``) and is claimed in the run's claim
book, so two workers never share a database while sharing the server's start-up cost and
memory. One cluster rather than one per worker: initdb and a server cost ~3 s and ~40 MB each,
and a shared server is what production has.
"""

from __future__ import annotations

import os
from pathlib import Path

from fieldwork.deploy.pgcluster import Cluster

from .isolation import claim, worker


def describe(cluster: Cluster) -> dict:
    """What a worker needs to reach ``cluster`` (sent to workers as plain data)."""
    return {"bin": str(cluster.bin), "dir": str(cluster.dir), "port": cluster.port}


class WorkerCluster(Cluster):
    """The pass's cluster seen from one worker; it neither starts nor stops the server."""

    def __init__(self, info: dict) -> None:  # noqa: D107 - no super(): the cluster exists
        self.bin = Path(info["bin"])
        self.dir = Path(info["dir"])
        self.data = self.dir / "data"
        self.port = int(info["port"])
        self.as_root = os.geteuid() == 0
        self.user = "postgres" if self.as_root else None

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create this worker's database ``<name>_<worker>`` (a copy of ``template`` if given)
        and return its URL."""
        own = claim("pg-database", f"{name}_{worker()}".lower())
        if template is None:
            return super().create_database(own)
        self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U",
                  "postgres", "-T", template, own)
        return self.url(own)

    def drop_database(self, url: str) -> None:
        """Drop a database of this worker's (closing any connection left to it)."""
        self._run(self.bin / "dropdb", "-h", "127.0.0.1", "-p", str(self.port), "-U",
                  "postgres", "--force", url.rsplit("/", 1)[1])

    def start(self) -> str:
        raise RuntimeError("the pass's cluster is started by the controller")

    def stop(self) -> None:
        """Nothing: the process that started the cluster stops it."""

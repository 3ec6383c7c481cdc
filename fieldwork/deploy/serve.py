"""``fieldwork serve``: gunicorn run from Python with the app factory (docs/deploy.md)."""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable

from gunicorn.app.base import BaseApplication

from .. import UMASK

MAX_WORKERS = 8
# Keys that people put in examples and forget to change.
PLACEHOLDER_KEYS = frozenset({"dev", "development", "secret", "changeme", "change-me",
                              "change_me", "test", "testing", "please-change-me", "xxx"})
MIN_KEY_LENGTH = 32


def default_workers(cores: int | None = None) -> int:
    """2 x cores + 1 (gunicorn's rule of thumb), at most MAX_WORKERS: each holds an app."""
    cores = cores or os.cpu_count() or 1
    return max(1, min(2 * cores + 1, MAX_WORKERS))


def refusals(secret_key: str | None, database_url: str, allow_sqlite: bool) -> list[str]:
    """Why this configuration must not serve production traffic (empty if it may)."""
    problems = []
    key = (secret_key or "").strip()
    if key.lower() in PLACEHOLDER_KEYS or len(key) < MIN_KEY_LENGTH:
        problems.append(
            f"SECRET_KEY is a development or placeholder value (or shorter than "
            f"{MIN_KEY_LENGTH} characters). Unset it to use the generated instance/secret_key, "
            "or set a long random one: python -c 'import secrets; print(secrets.token_hex(32))'")
    if database_url.startswith("sqlite") and not allow_sqlite:
        problems.append(
            "DATABASE_URL points to SQLite, which serialises writers and is not for several "
            "workers; set DATABASE_URL=postgresql://user:pass@host/db (docs/deploy.md), or "
            "pass --allow-sqlite for a single-machine trial")
    return problems


def gunicorn_options(bind: str, workers: int, threads: int, timeout: int,
                     forwarded_allow_ips: str) -> dict:
    """The gunicorn settings fieldwork runs with."""
    return {
        "bind": bind,
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        # Recycle workers now and then: image and PDF libraries keep memory they freed.
        "max_requests": 1000,
        "max_requests_jitter": 100,
        "accesslog": "-",
        "errorlog": "-",
        "forwarded_allow_ips": forwarded_allow_ips,
        "proc_name": "fieldwork",
        "umask": UMASK,  # gunicorn's own files (unix socket); the app sets the process's
        # Heartbeat files on tmpfs: a worker on a slow disk is not taken for dead.
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,  # noqa: S108
    }


class FieldworkServer(BaseApplication):
    """A gunicorn application whose workers each build their own app from the factory."""

    def __init__(self, factory: Callable, options: dict):
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if value is not None and key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self):
        return self.factory()


def exposed(paths) -> list[str]:
    """Those of ``paths`` that other local users may read or enter (group or other bits)."""
    out = []
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except OSError:
            continue
        if mode & 0o077:
            out.append(f"{path} ({oct(mode & 0o777)[2:]})")
    return out


def exposure_fix(instance: str, data_dir: str) -> str:
    """The one command that makes an existing instance private (docs/deploy.md)."""
    return f"chmod -R go-rwx {shlex.quote(instance)} {shlex.quote(data_dir)}"


def run(options: dict) -> None:
    """Start gunicorn in the foreground until it is stopped (SIGTERM stops it gracefully)."""
    from .. import create_app

    os.umask(UMASK)  # every worker inherits it: new files 0600, new folders 0700
    FieldworkServer(create_app, options).run()

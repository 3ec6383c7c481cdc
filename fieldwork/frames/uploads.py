"""Uploaded dossier lists waiting for their mapping step, kept in the data folder."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

from flask import current_app

TOKEN_LEN = 22
KEEP_SECONDS = 2 * 24 * 3600  # an upload never imported is removed after this


def _folder() -> Path:
    path = Path(current_app.config["FIELDWORK_DATA_DIR"]) / "frames"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_upload(stream, meta: dict) -> str:
    """Store an uploaded file with its metadata; return its token."""
    token = secrets.token_urlsafe(16)
    folder = _folder()
    limit = time.time() - KEEP_SECONDS
    for old in folder.glob("*.*"):
        if old.suffix in (".bin", ".json") and old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)
    with open(folder / f"{token}.bin", "wb") as fh:
        while chunk := stream.read(1 << 20):
            fh.write(chunk)
    (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def load_upload(token: str) -> tuple[Path, dict] | None:
    """The stored file and metadata for ``token``, or None."""
    if len(token) != TOKEN_LEN or not token.replace("-", "").replace("_", "").isalnum():
        return None
    meta = _folder() / f"{token}.json"
    if not meta.exists():
        return None
    return _folder() / f"{token}.bin", json.loads(meta.read_text(encoding="utf-8"))


def drop_upload(token: str) -> None:
    """Remove a stored upload after it was imported."""
    for suffix in (".bin", ".json"):
        (_folder() / f"{token}{suffix}").unlink(missing_ok=True)

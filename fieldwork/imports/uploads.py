"""Uploaded files waiting for their mapping step, kept in the data folder (not in the database).

One ``UploadStore`` per kind of upload (results files here, dossier lists in ``frames``), each
in its own folder: ``<token>.bin`` the file, ``<token>.json`` its metadata (who, which survey).
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

from flask import abort, current_app

TOKEN_LEN = 22
KEEP_SECONDS = 2 * 24 * 3600  # an upload never mapped and imported is removed after this


class UploadStore:
    """Files kept under ``<data dir>/<folder>`` by a random token until imported."""

    def __init__(self, folder: str) -> None:
        self.name = folder

    def folder(self) -> Path:
        path = Path(current_app.config["FIELDWORK_DATA_DIR"]) / self.name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def save(self, stream, meta: dict) -> str:
        """Store an uploaded file with its metadata; return its token."""
        token = secrets.token_urlsafe(16)
        folder = self.folder()
        self.sweep(folder)
        with open(folder / f"{token}.bin", "wb") as fh:
            while chunk := stream.read(1 << 20):
                fh.write(chunk)
        (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
        return token

    def load(self, token: str) -> tuple[Path, dict] | None:
        """The stored file and metadata for ``token``, or None."""
        if len(token) != TOKEN_LEN or not token.replace("-", "").replace("_", "").isalnum():
            return None
        folder = self.folder()
        meta = folder / f"{token}.json"
        if not meta.exists():
            return None
        return folder / f"{token}.bin", json.loads(meta.read_text(encoding="utf-8"))

    def owned(self, token: str, user_id: int) -> tuple[Path, dict]:
        """The upload of ``token`` if ``user_id`` uploaded it; 404 if none, 403 if not theirs."""
        found = self.load(token)
        if found is None:
            abort(404)
        if found[1].get("user_id") != user_id:
            abort(403)
        return found

    def update(self, token: str, changes: dict) -> dict:
        """Merge ``changes`` into the stored metadata of ``token`` (the mapping step's
        choices: header row, columns); the metadata after."""
        meta_path = self.folder() / f"{token}.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) | changes
        meta_path.write_text(json.dumps(meta), encoding="utf-8")
        return meta

    def drop(self, token: str) -> None:
        """Remove a stored upload after it was imported."""
        for suffix in (".bin", ".json"):
            (self.folder() / f"{token}{suffix}").unlink(missing_ok=True)

    @staticmethod
    def sweep(folder: Path) -> None:
        """Remove uploads left waiting longer than KEEP_SECONDS."""
        limit = time.time() - KEEP_SECONDS
        for path in folder.glob("*.*"):
            if path.suffix in (".bin", ".json") and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)


RESULTS = UploadStore("imports")
save_upload, load_upload, drop_upload = RESULTS.save, RESULTS.load, RESULTS.drop

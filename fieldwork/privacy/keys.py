"""Where the data keys live: ``FIELDWORK_DATA_KEY`` or ``instance/data_key`` (never the database).

Both hold one or more Fernet keys, newest first (comma- or line-separated). The first key
encrypts; all keys decrypt, so old rows stay readable until ``fieldwork keys rotate``
re-encrypts them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from cryptography.fernet import Fernet

KEY_FILE = "data_key"
ENV = "FIELDWORK_DATA_KEY"
_SPLIT = re.compile(r"[\s,]+")


class DataKeyError(RuntimeError):
    """The data key is missing or malformed; the message says how to fix it."""


def parse_keys(text: str) -> list[bytes]:
    """Split a key list into Fernet keys, checking each one."""
    keys = [k.encode() for k in _SPLIT.split(text.strip()) if k and not k.startswith("#")]
    if not keys:
        raise DataKeyError(f"no data key found; set {ENV} or let fieldwork create {KEY_FILE}")
    for i, key in enumerate(keys, 1):
        try:
            Fernet(key)
        except ValueError:
            raise DataKeyError(f"data key {i} is not a valid Fernet key (32 url-safe base64 bytes)"
                            ) from None
    return keys


def key_file(instance_path: str) -> Path:
    """Path of the key file in the instance folder."""
    return Path(instance_path) / KEY_FILE


def _write_private(path: Path, text: str, *, exclusive: bool) -> None:
    """Write ``text`` to a file readable only by its owner (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.chmod(path, 0o600)


def load_keys(instance_path: str, configured: str | None = None) -> list[bytes]:
    """The data keys, newest first: from config/env, else the key file (created once)."""
    text = configured or os.environ.get(ENV)
    if text:
        return parse_keys(text)
    path = key_file(instance_path)
    if not path.exists():
        try:
            _write_private(path, Fernet.generate_key().decode() + "\n", exclusive=True)
        except FileExistsError:
            pass  # another process made it first; read theirs
    return parse_keys(path.read_text())


def add_key(instance_path: str) -> Path:
    """Put a new key first in the key file (old keys kept for decrypting); return the path."""
    path = key_file(instance_path)
    old = path.read_text() if path.exists() else ""
    new = Fernet.generate_key().decode()
    _write_private(path, new + "\n" + old, exclusive=False)
    return path


def retire_keys(instance_path: str) -> int:
    """Keep only the newest key in the key file; return how many old keys were removed."""
    path = key_file(instance_path)
    keys = parse_keys(path.read_text())
    _write_private(path, keys[0].decode() + "\n", exclusive=False)
    return len(keys) - 1

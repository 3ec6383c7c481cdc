"""Encryption at rest (Fernet / MultiFernet) and blind indexes for duplicate detection.

The keys come from :mod:`fieldwork.privacy.keys`. The blind index is an HMAC-SHA256 of the
normalised value under the *index key*, so the database can find the same phone on two
sheets without anyone decrypting it. The index key is kept in the database wrapped by the
data keys (:mod:`fieldwork.privacy.indexkey`); it was first derived from the data key of the
time and does not follow later data keys, so indexes match before, during and after a
rotation.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .keys import load_keys
from .validate import NORMALISERS, normalise_cid, normalise_phone

__all__ = ["Keyring", "encrypt", "decrypt", "blind_index", "normalise_phone", "normalise_cid",
           "keyring", "reset_keyring", "DecryptError"]

_EXT = "fieldwork_keyring"


class DecryptError(ValueError):
    """A token that none of the keys can open (wrong key or altered data)."""


def _derive(key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"fieldwork " + purpose).derive(key)


def derived_index_key(data_key: bytes) -> bytes:
    """The index key fieldwork derived from a data key before it kept one of its own."""
    return _derive(data_key, b"blind index v1")


@dataclass
class Keyring:
    """The data keys, newest first; encrypts with the first and decrypts with any.

    ``index_key`` is the blind-index key; without it, ``index_loader(ring)`` gives
    ``(key, durable)`` on first use (a key not yet committed is asked for again), and
    without a loader it is derived from the newest data key (pure use, tests).
    """

    keys: list[bytes]
    index_key: bytes | None = None
    index_loader: Callable[[Keyring], tuple[bytes, bool]] | None = field(default=None,
                                                                        repr=False)

    def __post_init__(self) -> None:
        self._fernet = MultiFernet([Fernet(k) for k in self.keys])
        self._newest = Fernet(self.keys[0])

    def _index(self) -> bytes:
        if self.index_key is not None:
            return self.index_key
        if self.index_loader is None:
            self.index_key = derived_index_key(self.keys[0])
            return self.index_key
        key, durable = self.index_loader(self)
        if durable:
            self.index_key = key
        return key

    def newest_opens(self, token: str) -> bool:
        """True if the newest key alone decrypts ``token`` (it needs no older key)."""
        try:
            self._newest.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeError):
            return False
        return True

    def encrypt(self, text: str) -> str:
        """Encrypt ``text`` with the newest key."""
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Decrypt a token made with any of the keys."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise DecryptError("cannot decrypt: wrong data key or altered value") from exc

    def rotate(self, token: str) -> str:
        """Re-encrypt a token under the newest key."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except InvalidToken as exc:
            raise DecryptError("cannot decrypt: wrong data key or altered value") from exc

    def blind_index(self, kind: str, value: str) -> str:
        """Hex HMAC-SHA256 of the normalised ``value`` of ``kind`` ('phone' or 'cid')."""
        try:
            normalise = NORMALISERS[kind]
        except KeyError:
            raise ValueError(f"unknown blind-index kind {kind!r}") from None
        msg = f"{kind}:{normalise(value)}".encode()
        return hmac.new(self._index(), msg, hashlib.sha256).hexdigest()


def keyring(app=None) -> Keyring:
    """The app's keyring (loaded once per app from config, environment or instance folder)."""
    if app is None:
        from flask import current_app
        app = current_app._get_current_object()
    ring = app.extensions.get(_EXT)
    if ring is None:
        from .indexkey import stored_index_key

        ring = Keyring(load_keys(app.instance_path, app.config.get("FIELDWORK_DATA_KEY")),
                       index_loader=stored_index_key)
        app.extensions[_EXT] = ring
    return ring


def reset_keyring(app=None) -> None:
    """Forget the loaded keys (after the key file or setting changed)."""
    if app is None:
        from flask import current_app
        app = current_app._get_current_object()
    app.extensions.pop(_EXT, None)


def encrypt(text: str) -> str:
    """Encrypt ``text`` with the app's newest data key."""
    return keyring().encrypt(text)


def decrypt(token: str) -> str:
    """Decrypt a token made with any of the app's data keys."""
    return keyring().decrypt(token)


def blind_index(kind: str, value: str) -> str:
    """Blind index of a phone ('phone') or citizen ID ('cid') for duplicate detection."""
    return keyring().blind_index(kind, value)

"""Which model columns hold encrypted data, so key rotation and retirement find them all.

Each entry names a model by module and class (imported only when needed, so a feature that
does not exist yet is skipped) and the kind; the columns are ``<kind>_enc`` (the Fernet
token) and ``<kind>_hash`` (its blind index, optional). A column named ``*_enc`` or marked
``info={"encrypted": True}`` that is not listed here fails
``tests/privacy/test_registry.py``, which walks the model metadata.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..features import optional_module


@dataclass(frozen=True)
class EncryptedColumn:
    """A Fernet-token column and its blind-index column on one model."""

    module: str
    model: str
    kind: str
    enc: str
    hash: str | None

    @property
    def name(self) -> str:
        """'module.Model.column', for messages."""
        return f"{self.model}.{self.enc}"

    def resolve(self):
        """The model class, or None if its feature is not installed."""
        mod = optional_module(self.module)
        return getattr(mod, self.model, None) if mod is not None else None


ENCRYPTED: list[EncryptedColumn] = []


def register_encrypted(module: str, model: str, kind: str, enc: str | None = None,
                       hash: str | None = "") -> None:
    """Declare an encrypted column (``hash=None`` when the model keeps no blind index)."""
    col = EncryptedColumn(module, model, kind, enc or f"{kind}_enc",
                          f"{kind}_hash" if hash == "" else hash)
    if col not in ENCRYPTED:
        ENCRYPTED.append(col)


register_encrypted("fieldwork.entry.models", "EntrySheet", "phone")
register_encrypted("fieldwork.entry.models", "EntrySheet", "cid")
register_encrypted("fieldwork.entry.models", "Keying", "phone")
register_encrypted("fieldwork.entry.models", "Keying", "cid")
# OMR readings of contact questions: the whole reading, encrypted as JSON; no blind index.
register_encrypted("fieldwork.omr.models", "ScanAnswer", "reading", enc="secret", hash=None)
# The sampling frame's dossier list (issue 9): name, phone and citizen ID of each applicant.
register_encrypted("fieldwork.frames.models", "FrameDossier", "name", hash=None)
register_encrypted("fieldwork.frames.models", "FrameDossier", "phone", hash="phone_index")
register_encrypted("fieldwork.frames.models", "FrameDossier", "cid", hash="cid_index")
# Self-completed answers (online form, kiosk, imported online and call-centre results).
register_encrypted("fieldwork.online.models", "OnlineResponse", "phone")
register_encrypted("fieldwork.online.models", "OnlineResponse", "cid")
# Imported results of other sources that give phone and citizen ID (issue 17).
register_encrypted("fieldwork.imports.models", "ImportedResponse", "phone")
register_encrypted("fieldwork.imports.models", "ImportedResponse", "cid")
# The blind-index key itself, wrapped by the data keys.
register_encrypted("fieldwork.privacy.models", "PrivacyKey", "index_key", enc="token",
                   hash=None)

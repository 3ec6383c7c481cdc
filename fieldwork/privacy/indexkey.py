"""The blind-index key: kept in the database, wrapped (Fernet) by the data keys.

Before issue 15 the index key was derived from the newest data key, so adding a key changed
every index computed afterwards and duplicates across the rotation went unseen. Now the
key is stored once (``privacy_keys``, purpose ``blind_index``), created by the migration from
the data key of that time (so indexes already stored keep matching), and only re-wrapped by
``fieldwork keys rotate``. Every process sharing the database uses the same key.
"""

from __future__ import annotations

import base64

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .crypto import DecryptError, Keyring, derived_index_key
from .keys import DataKeyError

PURPOSE = "blind_index"


def wrap(ring: Keyring, key: bytes) -> str:
    """The index key as a token under the newest data key."""
    return ring.encrypt(base64.urlsafe_b64encode(key).decode("ascii"))


def unwrap(ring: Keyring, token: str) -> bytes:
    """The index key from its token; DataKeyError if no data key opens it."""
    try:
        return base64.urlsafe_b64decode(ring.decrypt(token))
    except DecryptError:
        raise DataKeyError("the blind-index key in the database cannot be decrypted with the "
                           "data keys: a key it was wrapped with is missing (see "
                           "docs/privacy.md, 'Rotating the key')") from None


def stored_index_key(ring: Keyring) -> tuple[bytes, bool]:
    """The index key and whether it is stored; made (and flushed) when there is none yet.

    A key made here is derived from the newest data key, as indexes were before the key was
    stored; it counts as stored once a later call finds its row.
    """
    from ..extensions import db
    from .models import PrivacyKey

    token = db.session.scalar(select(PrivacyKey.token).where(PrivacyKey.purpose == PURPOSE))
    if token is not None:
        return unwrap(ring, token), True
    key = derived_index_key(ring.keys[0])
    try:
        with db.session.begin_nested():
            db.session.add(PrivacyKey(purpose=PURPOSE, token=wrap(ring, key)))
    except IntegrityError:  # another process stored it first: use theirs
        token = db.session.scalar(select(PrivacyKey.token).where(
            PrivacyKey.purpose == PURPOSE))
        return unwrap(ring, token), True
    return key, False


def ensure_index_key(ring: Keyring) -> bytes:
    """Store the index key if it is not yet (the caller commits); return it."""
    return stored_index_key(ring)[0]

"""The registry of encrypted columns is complete (issue 15: key rotation skipped the dossier
list and online answers, and ``keys retire`` then made them unreadable).

Two angles: the model metadata (every ``*_enc`` column, or one marked
``info={"encrypted": True}``, is registered) and the data itself (after the demo year, every
column of every table holding a Fernet token is registered), then a whole rotation of the demo
year in small batches, interrupted once and resumed.
"""

from __future__ import annotations

from cryptography.fernet import Fernet
from sqlalchemy import JSON, Enum, String, Text, cast, select

from fieldwork.extensions import db as _db
from fieldwork.frames.models import FrameDossier
from fieldwork.online.models import OnlineResponse
from fieldwork.privacy.crypto import Keyring, blind_index, keyring, reset_keyring
from fieldwork.privacy.registry import ENCRYPTED
from fieldwork.privacy.rotation import needing_old_keys, rotate_encrypted

FERNET_PREFIX = "gAAAAA"  # version byte 0x80 and a timestamp's leading zeros, base64


def _registered() -> set[tuple[str, str]]:
    out = set()
    for col in ENCRYPTED:
        model = col.resolve()
        assert model is not None, f"{col.module}.{col.model} does not exist"
        out.add((model.__tablename__, col.enc))
    return out


def test_every_encrypted_column_in_the_metadata_is_registered(app):
    registered = _registered()
    found = set()
    for table in _db.metadata.sorted_tables:
        for column in table.columns:
            if column.name.endswith("_enc") or column.info.get("encrypted"):
                found.add((table.name, column.name))
    missing = sorted(found - registered)
    assert not missing, f"encrypted columns key rotation would skip: {missing}"
    assert registered <= found, "registered columns that are not marked or named *_enc"
    for col in ENCRYPTED:  # the blind-index column named next to it exists
        model = col.resolve()
        assert col.enc in model.__table__.columns
        assert col.hash is None or col.hash in model.__table__.columns, col
    assert {("frame_dossiers", "phone_enc"), ("frame_dossiers", "name_enc"),
            ("online_responses", "cid_enc"), ("privacy_keys", "token")} <= registered


def _columns_holding_tokens() -> set[tuple[str, str]]:
    out = set()
    for table in _db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Enum):
                continue
            if isinstance(column.type, (String, Text)):
                where = column.like(FERNET_PREFIX + "%")
            elif isinstance(column.type, JSON):  # a token inside a JSON document
                where = cast(column, Text).like(f'%"{FERNET_PREFIX}%')
            else:
                continue
            if _db.session.scalar(select(table.c[column.name]).where(where).limit(1)) \
                    is not None:
                out.add((table.name, column.name))
    return out


def test_the_demo_year_is_rotated_whole_in_batches_and_resumed(demo_year, app, db, runner):
    """Every token the demo writes sits in a registered column; ``keys rotate`` covers them
    all in batches, resumes after an interruption, and duplicates still match."""
    holding = _columns_holding_tokens()
    assert holding <= _registered(), sorted(holding - _registered())
    assert {("frame_dossiers", "phone_enc"), ("online_responses", "phone_enc"),
            ("entry_sheets", "phone_enc"), ("scan_answers", "secret")} <= holding
    dossier = db.session.scalars(select(FrameDossier).where(
        FrameDossier.phone_enc.is_not(None))).first()
    answer = db.session.scalars(select(OnlineResponse).where(
        OnlineResponse.phone_enc.is_not(None))).first()
    phone = keyring().decrypt(dossier.phone_enc)
    assert dossier.phone_index == blind_index("phone", phone)
    saved = app.config.get("FIELDWORK_DATA_KEY")
    old = [k.decode() for k in keyring().keys]
    new = Fernet.generate_key().decode()
    try:
        app.config["FIELDWORK_DATA_KEY"] = ",".join([new, *old])  # `keys add`
        reset_keyring()
        ring = keyring()
        before = needing_old_keys(ring)
        assert {"frame_dossiers.phone_enc", "frame_dossiers.name_enc",
                "online_responses.phone_enc", "online_responses.cid_enc",
                "entry_sheets.phone_enc", "scan_answers.secret", "privacy_keys.token"} <= set(
            before), before
        # During the rotation a new value's index matches the old rows'.
        assert blind_index("phone", phone) == dossier.phone_index

        class Stop(Exception):
            pass

        seen = []

        def stop_after_three(column, done, total):
            seen.append((column, done, total))
            if len(seen) == 3:
                raise Stop

        try:
            rotate_encrypted(ring, "cli", batch=100, progress=stop_after_three,
                             commit=db.session.commit)
        except Stop:
            pass
        middle = needing_old_keys(ring)
        done = {column: d for column, d, _t in seen}  # every value was stale: all rotated
        assert sum(middle.values()) == sum(before.values()) - sum(done.values()) > 0
        counts = rotate_encrypted(ring, "cli", batch=100, commit=db.session.commit)
        assert sum(counts.values()) == sum(middle.values())  # the rest, nothing twice
        assert needing_old_keys(ring) == {}
        only_new = Keyring([new.encode()])
        db.session.expire_all()
        assert only_new.decrypt(db.session.get(FrameDossier, dossier.id).phone_enc) == phone
        assert only_new.decrypt(db.session.get(OnlineResponse, answer.id).phone_enc)
        # After it, with the old key gone, indexes still match.
        app.config["FIELDWORK_DATA_KEY"] = new
        reset_keyring()
        assert blind_index("phone", phone) == db.session.get(FrameDossier,
                                                             dossier.id).phone_index
    finally:
        app.config["FIELDWORK_DATA_KEY"] = saved
        reset_keyring()

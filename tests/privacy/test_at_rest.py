"""Encryption at rest: the database file never holds a phone number; key rotation works."""

from __future__ import annotations

import os

from cryptography.fernet import Fernet
from sqlalchemy import delete, select

from fieldwork import create_app
from fieldwork.audit.models import AuditEvent
from fieldwork.config import TestConfig
from fieldwork.entry.models import EntrySheet, SheetSource
from fieldwork.extensions import db as _db
from fieldwork.privacy.crypto import Keyring, blind_index, encrypt, keyring, reset_keyring
from fieldwork.privacy.models import PrivacyKey
from fieldwork.privacy.rotation import needing_old_keys, rotate_encrypted

PHONE, CID = "0912345123", "048123456789"


def test_sqlite_file_has_no_plain_phone(tmp_path):
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    path = tmp_path / "rest.db"
    settings.update(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
                    FIELDWORK_DATA_DIR=str(tmp_path / "data"),
                    FIELDWORK_DATA_KEY=Fernet.generate_key().decode())
    app = create_app(settings)
    with app.app_context():
        _db.create_all()
        _db.session.add(EntrySheet(
            survey_id=1, serial=1, version_id=1, source=SheetSource.KEYED,
            phone_enc=encrypt(PHONE), phone_hash=blind_index("phone", PHONE),
            cid_enc=encrypt(CID), cid_hash=blind_index("cid", CID)))
        _db.session.commit()
        _db.session.remove()
        _db.engine.dispose()
    raw = path.read_bytes()
    assert len(raw) > 0
    for text in (PHONE, CID, "912345123", "0912 345 123"):
        assert text.encode() not in raw and text.encode("utf-16-le") not in raw


def _own_keys(app, db, keys: str) -> None:
    """Use ``keys`` as the data keys; the blind-index key stored under the session's key is
    dropped (inside the test's transaction), so one is made under these."""
    app.config["FIELDWORK_DATA_KEY"] = keys
    db.session.execute(delete(PrivacyKey))
    reset_keyring()


def _sheet(db, factory, serial, phone):
    from fieldwork.forms import operations as forms_ops
    survey = factory.survey()
    version = forms_ops.create_from_template(survey, "danang-2025", factory.user("manager"))
    row = EntrySheet(survey_id=survey.id, serial=serial, version_id=version.id,
                     source=SheetSource.KEYED, phone_enc=encrypt(phone),
                     phone_hash=blind_index("phone", phone))
    db.session.add(row)
    db.session.flush()
    return row


def test_rotation_re_encrypts_and_recomputes_indexes(app, db, runner, factory):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    saved = app.config.get("FIELDWORK_DATA_KEY")
    try:
        _own_keys(app, db, old)
        row = _sheet(db, factory, 1, PHONE)
        before, index = row.phone_enc, row.phone_hash
        app.config["FIELDWORK_DATA_KEY"] = f"{new},{old}"
        reset_keyring()
        ring = keyring()
        assert needing_old_keys(ring)["entry_sheets.phone_enc"] >= 1
        counts = rotate_encrypted(ring, "cli")
        assert counts["entry_sheets.phone_enc"] >= 1
        db.session.flush()
        db.session.refresh(row)
        assert row.phone_enc != before
        assert Keyring([new.encode()]).decrypt(row.phone_enc) == PHONE
        assert row.phone_hash == index == blind_index("phone", PHONE)  # the index key stays
        assert needing_old_keys(ring) == {}
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "privacy.keys_rotate"))
        assert PHONE not in str(event.after)
        out = runner.invoke(args=["keys", "add"])
        assert out.exit_code == 1 and "FIELDWORK_DATA_KEY" in out.output
    finally:
        app.config["FIELDWORK_DATA_KEY"] = saved
        reset_keyring()


def test_key_commands_on_the_key_file(app, db, runner, factory, tmp_path, monkeypatch):
    saved_path, saved_key = app.instance_path, app.config.get("FIELDWORK_DATA_KEY")
    monkeypatch.delenv("FIELDWORK_DATA_KEY", raising=False)
    try:
        app.instance_path = str(tmp_path)
        _own_keys(app, db, None)
        _sheet(db, factory, 2, PHONE)
        first = keyring().keys
        out = runner.invoke(args=["keys", "add"])
        assert out.exit_code == 0, out.output
        assert len(keyring().keys) == 2 and keyring().keys[1] == first[0]
        out = runner.invoke(args=["keys", "retire"])
        assert out.exit_code == 1 and "rotate" in out.output
        # How many values need the old key, and where.
        assert "entry_sheets.phone_enc: 1" in out.output and "privacy_keys.token: 1" in out.output
        out = runner.invoke(args=["keys", "rotate"])
        assert out.exit_code == 0 and "re-encrypted" in out.output, out.output
        out = runner.invoke(args=["keys", "retire"])
        assert out.exit_code == 0 and "removed 1" in out.output, out.output
        reset_keyring()
        assert len(keyring().keys) == 1
        assert oct(os.stat(tmp_path / "data_key").st_mode & 0o777) == "0o600"
    finally:
        app.instance_path, app.config["FIELDWORK_DATA_KEY"] = saved_path, saved_key
        reset_keyring()


def test_rotation_refuses_a_value_no_key_opens(app, db, runner, factory):
    saved = app.config.get("FIELDWORK_DATA_KEY")
    try:
        _own_keys(app, db, Fernet.generate_key().decode())
        row = _sheet(db, factory, 3, PHONE)
        db.session.commit()
        app.config["FIELDWORK_DATA_KEY"] = Fernet.generate_key().decode()  # the old key lost
        reset_keyring()
        before = row.phone_enc
        out = runner.invoke(args=["keys", "rotate"])
        assert out.exit_code == 1 and "nothing was rotated" in out.output
        assert "Traceback" not in out.output
        db.session.refresh(row)
        assert row.phone_enc == before
    finally:
        app.config["FIELDWORK_DATA_KEY"] = saved
        reset_keyring()

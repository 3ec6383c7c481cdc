"""Encryption, blind indexes, key files, masking and validation (pure, no database)."""

from __future__ import annotations

import os
import stat

import pytest
from cryptography.fernet import Fernet

from fieldwork.privacy.crypto import DecryptError, Keyring
from fieldwork.privacy.keys import DataKeyError, add_key, load_keys, parse_keys, retire_keys
from fieldwork.privacy.mask import mask_cid, mask_phone
from fieldwork.privacy.validate import (
    InvalidValue,
    cid_error,
    normalise_cid,
    normalise_phone,
    phone_error,
)


def test_round_trip_and_token_hides_the_value():
    ring = Keyring([Fernet.generate_key()])
    token = ring.encrypt("0912345123")
    assert "0912345123" not in token
    assert ring.decrypt(token) == "0912345123"
    assert ring.encrypt("0912345123") != token  # random IV: equal values do not look equal


def test_blind_index_normalises_and_depends_on_the_key():
    ring = Keyring([Fernet.generate_key()])
    a = ring.blind_index("phone", "0912 345 123")
    assert a == ring.blind_index("phone", "+84912345123") == ring.blind_index("phone",
                                                                               "84912345123")
    assert len(a) == 64 and "912345123" not in a
    assert a != ring.blind_index("phone", "0912345124")
    assert a != Keyring([Fernet.generate_key()]).blind_index("phone", "0912345123")
    assert ring.blind_index("cid", "001 234 567 890") == ring.blind_index("cid", "001234567890")
    with pytest.raises(ValueError):
        ring.blind_index("email", "x@y.vn")


def test_multifernet_rotation_keeps_old_tokens_readable():
    old, new = Fernet.generate_key(), Fernet.generate_key()
    token = Keyring([old]).encrypt("001234567890")
    ring = Keyring([new, old])
    assert ring.decrypt(token) == "001234567890"
    rotated = ring.rotate(token)
    assert Keyring([new]).decrypt(rotated) == "001234567890"
    with pytest.raises(DecryptError):
        Keyring([new]).decrypt(token)
    with pytest.raises(DecryptError):
        ring.decrypt("not a token")


def test_key_file_is_created_once_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.delenv("FIELDWORK_DATA_KEY", raising=False)
    first = load_keys(str(tmp_path))
    assert load_keys(str(tmp_path)) == first
    path = tmp_path / "data_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    add_key(str(tmp_path))
    keys = load_keys(str(tmp_path))
    assert len(keys) == 2 and keys[1] == first[0]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert retire_keys(str(tmp_path)) == 1
    assert load_keys(str(tmp_path)) == keys[:1]


def test_key_from_environment_and_bad_keys(tmp_path, monkeypatch):
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("FIELDWORK_DATA_KEY", key)
    assert load_keys(str(tmp_path)) == [key.encode()]
    assert not (tmp_path / "data_key").exists()
    with pytest.raises(DataKeyError, match="not a valid Fernet key"):
        parse_keys("short")
    with pytest.raises(DataKeyError, match="no data key"):
        parse_keys("  ")


@pytest.mark.parametrize(("value", "masked"), [
    ("0912345123", "09xx xxx 123"), ("0912 345 123", "09xx xxx 123"), ("", ""), (None, ""),
    ("123", "xxx"),
])
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


def test_mask_cid():
    assert mask_cid("001234567890") == "xxx xxx xxx 890"
    assert "1234" not in mask_cid("001234567890")


@pytest.mark.parametrize(("text", "normal"), [
    ("0912345123", "0912345123"), ("+84 912 345 123", "0912345123"),
    ("84912345123", "0912345123"), ("038.123.4567", "0381234567"), ("0701-234-567", "0701234567"),
])
def test_valid_phones(text, normal):
    assert normalise_phone(text) == normal
    assert phone_error(text) is None


@pytest.mark.parametrize(("text", "why"), [
    ("", "Enter"), ("091234512", "10 digits"), ("09123451234", "10 digits"),
    ("0212345678", "starts with"), ("09123x5123", "only digits"), ("0412345678", "starts with"),
])
def test_invalid_phones(text, why):
    with pytest.raises(InvalidValue, match=why):
        normalise_phone(text)
    assert why in phone_error(text)


def test_citizen_ids():
    assert normalise_cid("001 234 567 890") == "001234567890"
    assert cid_error("00123456789") == "A citizen ID has 12 digits."
    assert cid_error("00123456789a") == "A citizen ID contains only digits."
    assert cid_error("") == "Enter the citizen ID."

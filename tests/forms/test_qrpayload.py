"""QR payload: signing, verification, and rejection of forged or broken codes."""

from __future__ import annotations

import pytest

from fieldwork.forms.qrpayload import QRPayload, QRPayloadError, sign, verify

KEY = b"test-secret-key"


def test_round_trip_live_and_pilot():
    for pilot in (False, True):
        p = QRPayload("DEMO-2026", 3, "00001234", 2, pilot)
        text = sign(p, KEY)
        assert text.startswith("FW1|DEMO-2026|3|00001234|2|")
        assert len(text) < 45  # keeps the code at a small QR version
        assert verify(text, KEY) == p
        assert verify(text.encode("ascii"), KEY) == p


def test_sign_accepts_a_mapping():
    fields = {"survey": "S1", "version": 1, "serial": "7", "page": 1, "pilot": False}
    assert verify(sign(fields, KEY), KEY) == QRPayload(**fields)


@pytest.mark.parametrize("edit", [
    lambda t: t.replace("|00001234|", "|00001235|"),   # another serial
    lambda t: t.replace("|L|", "|P|"),                 # live turned pilot
    lambda t: t.replace("|2|L", "|1|L"),               # another page
    lambda t: t.replace("DEMO-2026", "DEMO-2027"),     # another survey
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # forged MAC
    lambda t: t.replace("|3|", "|03|"),                # same numbers, non-canonical
])
def test_tampered_codes_are_rejected(edit):
    text = sign(QRPayload("DEMO-2026", 3, "00001234", 2), KEY)
    with pytest.raises(QRPayloadError, match="MAC"):
        verify(edit(text), KEY)


def test_wrong_key_is_rejected():
    text = sign(QRPayload("DEMO-2026", 1, "1", 1), KEY)
    with pytest.raises(QRPayloadError, match="giả mạo"):
        verify(text, b"another-key")


@pytest.mark.parametrize("text", [
    "", "hello", "https://example.org/x", "FW2|S|1|1|1|L|AAAAAAAA",
    "FW1|S|1|1|1|L", "FW1|S|x|1|1|L|AAAAAAAA", "FW1|S|1|1|1|Q|AAAAAAAA",
    "FW1|S|1|12a|1|L|AAAAAAAA", "FW1|S S|1|1|1|L|AAAAAAAA",
])
def test_malformed_codes_are_rejected(text):
    with pytest.raises(QRPayloadError):
        verify(text, KEY)


def test_non_ascii_bytes_are_rejected():
    with pytest.raises(QRPayloadError, match="ASCII"):
        verify("FW1|Đà|1|1|1|L|AAAAAAAA".encode(), KEY)


@pytest.mark.parametrize("payload", [
    QRPayload("bad|code", 1, "1", 1), QRPayload("S", 1, "12-3", 1),
    QRPayload("S", 0, "1", 1), QRPayload("S", 1, "1", 100),
])
def test_unencodable_fields_are_refused(payload):
    with pytest.raises(QRPayloadError):
        sign(payload, KEY)


def test_empty_key_is_refused():
    with pytest.raises(QRPayloadError, match="khóa"):
        sign(QRPayload("S", 1, "1", 1), b"")

"""The text in each page's QR code, with a short keyed MAC against forged sheets.

Format (ASCII, ``|``-separated, kept short so the code stays a small QR version)::

    FW1|<survey>|<version>|<serial>|<page>|<L or P>|<mac>

``L`` marks a live sheet and ``P`` a pilot sheet.  ``mac`` is HMAC-SHA256 under the
survey's secret key over everything before the last ``|``, base32, first 8
characters (40 bits): enough that a hand-made or edited code is rejected, short
enough to keep the code readable on a 150 dpi scan.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass

PREFIX = "FW1"
MAC_CHARS = 8
_SURVEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_SERIAL_RE = re.compile(r"^[0-9]{1,16}$")


class QRPayloadError(ValueError):
    """A QR text is malformed or its MAC does not match (tampered or forged)."""


@dataclass(frozen=True)
class QRPayload:
    """What one page's QR code says about the sheet it is printed on."""

    survey: str
    version: int
    serial: str
    page: int
    pilot: bool = False

    def check(self) -> QRPayload:
        """Raise ``QRPayloadError`` if a field cannot be encoded; else return self."""
        if not _SURVEY_RE.match(self.survey):
            raise QRPayloadError(f"mã khảo sát không hợp lệ: {self.survey!r}")
        if not _SERIAL_RE.match(self.serial):
            raise QRPayloadError(f"số phiếu phải là 1-16 chữ số: {self.serial!r}")
        if not 1 <= self.version <= 9999 or not 1 <= self.page <= 99:
            raise QRPayloadError(f"phiên bản {self.version} hoặc trang {self.page} ngoài giới hạn")
        return self


def _mac(body: str, key: bytes) -> str:
    if not key:
        raise QRPayloadError("thiếu khóa bí mật để ký mã QR")
    digest = hmac.new(key, body.encode("ascii"), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:MAC_CHARS]


def _body(p: QRPayload) -> str:
    return "|".join([PREFIX, p.survey, str(p.version), p.serial, str(p.page),
                     "P" if p.pilot else "L"])


def sign(fields: QRPayload | Mapping, key: bytes) -> str:
    """The QR text for ``fields`` (a QRPayload or a mapping of its fields) under ``key``."""
    p = fields if isinstance(fields, QRPayload) else QRPayload(**dict(fields))
    body = _body(p.check())
    return f"{body}|{_mac(body, key)}"


def verify(text: str | bytes, key: bytes) -> QRPayload:
    """Parse and authenticate a QR text; raise ``QRPayloadError`` saying what is wrong."""
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError as exc:
            raise QRPayloadError("mã QR không phải của hệ thống (không phải ASCII)") from exc
    if not text.isascii():  # the MAC is over ASCII; int() would also take other digits
        raise QRPayloadError("mã QR không phải của hệ thống (không phải ASCII)")
    parts = text.strip().split("|")
    if len(parts) != 7 or parts[0] != PREFIX:
        raise QRPayloadError(f"mã QR không đúng định dạng {PREFIX}: {text[:40]!r}")
    survey, version, serial, page, flag, mac = parts[1:]
    if flag not in ("L", "P") or not version.isdigit() or not page.isdigit():
        raise QRPayloadError(f"mã QR có trường hỏng: {text[:40]!r}")
    payload = QRPayload(survey, int(version), serial, int(page), flag == "P").check()
    expected = _mac(text.strip().rsplit("|", 1)[0], key)  # the exact bytes received
    if not hmac.compare_digest(expected, mac):
        raise QRPayloadError("mã QR bị sửa hoặc giả mạo: mã kiểm tra (MAC) không khớp")
    return payload


def payload_dict(p: QRPayload) -> dict:
    """The payload as a plain JSON-ready dict."""
    return asdict(p)

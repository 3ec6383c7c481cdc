"""Vietnamese mobile numbers and 12-digit citizen IDs: normalise and check, with clear messages."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import lazy_gettext as _l

MOBILE_PREFIXES = ("03", "05", "07", "08", "09")
_SEPARATORS = re.compile(r"[\s.\-()]+")


class InvalidValue(ValueError):
    """A phone number or citizen ID that cannot be accepted; ``message`` says why."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def normalise_phone(text: str) -> str:
    """Return the 10-digit national form (``0912345123``) of a mobile number, or raise."""
    raw = _SEPARATORS.sub("", text or "")
    if not raw:
        raise InvalidValue(_l("Enter the phone number."))
    if raw.startswith("+84"):
        raw = "0" + raw[3:]
    elif raw.startswith("84") and len(raw) == 11:
        raw = "0" + raw[2:]
    if not raw.isdigit():
        raise InvalidValue(_l("A phone number may contain only digits, spaces and a leading +84."))
    if len(raw) != 10:
        raise InvalidValue(_l("A Vietnamese mobile number has 10 digits (e.g. 0912 345 678)."))
    if not raw.startswith(MOBILE_PREFIXES):
        raise InvalidValue(_l("A Vietnamese mobile number starts with 03, 05, 07, 08 or 09."))
    return raw


def normalise_cid(text: str) -> str:
    """Return the 12 digits of a citizen ID (căn cước), or raise."""
    raw = _SEPARATORS.sub("", text or "")
    if not raw:
        raise InvalidValue(_l("Enter the citizen ID."))
    if not raw.isdigit():
        raise InvalidValue(_l("A citizen ID contains only digits."))
    if len(raw) != 12:
        raise InvalidValue(_l("A citizen ID has 12 digits."))
    return raw


NORMALISERS = {"phone": normalise_phone, "cid": normalise_cid}


def cell_parser(normalise: Callable[[str], str]) -> Callable[[str], str]:
    """A table-cell parser from a normaliser: its ``InvalidValue`` becomes the ``ValueError``
    (with the same message) that file imports report against the cell."""
    def parse(text: str) -> str:
        try:
            return normalise(text)
        except InvalidValue as exc:
            raise ValueError(str(exc.message)) from None
    parse.__name__ = f"parse_{normalise.__name__.removeprefix('normalise_')}"
    return parse


parse_phone = cell_parser(normalise_phone)
parse_cid = cell_parser(normalise_cid)


def phone_error(text: str) -> str | None:
    """The reason ``text`` is not a valid mobile number, or None."""
    try:
        normalise_phone(text)
    except InvalidValue as exc:
        return str(exc.message)
    return None


def cid_error(text: str) -> str | None:
    """The reason ``text`` is not a valid citizen ID, or None."""
    try:
        normalise_cid(text)
    except InvalidValue as exc:
        return str(exc.message)
    return None

"""Input checks shared by the plans operations; each raises OperationError in Vietnamese/English."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import gettext as _

from ..errors import OperationError


def text(data: dict, key: str, label, *, required: bool = False, max_len: int = 20000) -> str:
    """A stripped text value; required and length checked."""
    value = (data.get(key) or "")
    if not isinstance(value, str):
        value = str(value)
    value = value.strip()
    if required and not value:
        raise OperationError(_("%(field)s is required.", field=label))
    if len(value) > max_len:
        raise OperationError(_("%(field)s is too long (at most %(n)d characters).",
                               field=label, n=max_len))
    return value


_WHOLE = re.compile(r"^[+-]?(\d+|\d{1,3}([.,\s]\d{3})+)$")


def _whole(raw) -> int | None:
    """An int from an int, an integral float, or digits with optional thousands separators
    (4000, "4000", "4.000", "4,000"); None if it is anything else ("4.5", "abc", True)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    s = str(raw).strip()
    if not _WHOLE.match(s):
        return None
    return int(re.sub(r"[.,\s]", "", s))


def integer(data: dict, key: str, label, *, required: bool = True, low: int | None = 0,
            high: int | None = None) -> int | None:
    """A whole number within [low, high]; None if optional and empty."""
    raw = data.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise OperationError(_("%(field)s is required.", field=label))
        return None
    value = _whole(raw)
    if value is None:
        raise OperationError(_("%(field)s must be a whole number; got “%(value)s”.",
                               field=label, value=raw))
    if low is not None and value < low:
        raise OperationError(_("%(field)s must be at least %(n)d.", field=label, n=low))
    if high is not None and value > high:
        raise OperationError(_("%(field)s must be at most %(n)d.", field=label, n=high))
    return value


def day(data: dict, key: str, label, *, required: bool = True) -> date | None:
    """A date from a date object, ``YYYY-MM-DD`` (HTML date input) or ``dd/mm/yyyy``."""
    raw = data.get(key)
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    raw = (raw or "").strip() if isinstance(raw, str) else raw
    if not raw:
        if required:
            raise OperationError(_("%(field)s is required.", field=label))
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(str(raw), fmt).date()
        except ValueError:
            continue
    raise OperationError(_("%(field)s must be a date like 31/03/2026; got “%(value)s”.",
                           field=label, value=raw))


def choice(data: dict, key: str, label, enum_cls, *, required: bool = True):
    """A member of ``enum_cls`` by value."""
    raw = data.get(key)
    if raw in (None, ""):
        if required:
            raise OperationError(_("%(field)s is required.", field=label))
        return None
    try:
        return enum_cls(raw)
    except ValueError:
        raise OperationError(_("%(field)s: “%(value)s” is not one of the choices.",
                               field=label, value=raw)) from None


def flag(data: dict, key: str) -> bool:
    """A checkbox: present and not false-like."""
    raw = data.get(key)
    if isinstance(raw, bool):
        return raw
    return str(raw or "").strip().lower() in ("1", "y", "yes", "on", "true")

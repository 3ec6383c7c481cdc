"""Cell parsers for imports: dates, yes/no satisfaction, reason codes, agencies (pure)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

from flask_babel import lazy_gettext as _l

from .tabular import UnknownName, fold

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%y")
YES = {"1", "co", "yes", "y", "true", "x", "hai long", "satisfied", "dat"}
NO = {"0", "khong", "no", "n", "false", "chua hai long", "khong hai long", "not satisfied",
      "unsatisfied", "chua dat"}


EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1 January 1900 (Excel's leap-year bug)
_SERIAL = re.compile(r"\d{5}(?:[.,]\d+)?")


def excel_serial(text: str) -> dt.date | None:
    """The date of an Excel serial number (a cell that held a number, or 5 digits), or None."""
    value = getattr(text, "value", None)
    if value is None and _SERIAL.fullmatch(text.strip()):
        value = float(text.strip().replace(",", "."))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    return None


def parse_date(text: str, *, earliest: int = 2000, today: dt.date | None = None) -> dt.date:
    """A date written dd/mm/yyyy, yyyy-mm-dd, either with a time (before or after it), or an
    Excel serial date or date-time; not in the future."""
    day = excel_serial(text)
    if day is None:
        words = text.strip().replace("T", " ").split()
        value = next((w for w in words if ":" not in w), "") if words else ""
        for fmt in DATE_FORMATS:
            try:
                day = dt.datetime.strptime(value, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise ValueError(str(_l("“%(v)s” is not a date; write dd/mm/yyyy.", v=text)))
    if day.year < earliest or day > (today or dt.date.today()):
        raise ValueError(str(_l("%(v)s is outside the possible dates.",
                                v=day.strftime("%d/%m/%Y"))))
    return day


def restore_phone(text: str) -> str | None:
    """A mobile number stored as a number (9 digits, its 0 lost): with the 0 back, or None."""
    raw = str(text).strip()
    if raw.isdigit() and len(raw) == 9 and raw[0] in "35789":
        return "0" + raw
    return None


def restore_cid(text: str) -> str | None:
    """A 12-digit citizen ID stored as a number (10 or 11 digits left): zeros back, or None."""
    raw = str(text).strip()
    if raw.isdigit() and len(raw) in (10, 11):
        return raw.zfill(12)
    return None


def parse_satisfied(text: str) -> bool:
    """Hài lòng / Chưa hài lòng, yes / no, 1 / 0 and similar."""
    key = fold(text)
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValueError(str(_l("“%(v)s” is neither satisfied nor not satisfied (use 1/0, "
                            "Hài lòng/Chưa hài lòng).", v=text)))


def parse_reasons(text: str) -> list[str]:
    """Reason codes named by their text (``reasons``); letters are refused without a mapping."""
    from .reasons import reason_parser
    return reason_parser()(text)


def parse_text(limit: int) -> Callable[[str], str]:
    """A parser for free text of at most ``limit`` characters."""
    def parse(text: str) -> str:
        if len(text) > limit:
            raise ValueError(str(_l("At most %(n)d characters.", n=limit)))
        return text
    return parse


def agency_parser(agencies: Iterable[tuple[int, str]]) -> Callable[[str], int]:
    """A parser that finds an agency by id, name or alias (``directory.matching``: accents,
    case, "UBND", "P."/"X." and the kind word optional)."""
    from ..directory.matching import AgencyIndex
    index = AgencyIndex(agencies)

    def parse(text: str) -> int:
        found = index.find(text)
        if len(found) == 1:
            return next(iter(found))
        if len(found) > 1:
            raise ValueError(str(_l("“%(v)s” matches several agencies; write the full name.",
                                    v=text)))
        raise UnknownName(str(_l("Unknown agency “%(v)s”.", v=text)))
    return parse

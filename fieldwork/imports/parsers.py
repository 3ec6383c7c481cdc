"""Cell parsers for imports: dates, yes/no satisfaction, reason codes, agencies (pure)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable

from flask_babel import lazy_gettext as _l

from .tabular import fold

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%y")
YES = {"1", "co", "yes", "y", "true", "x", "hai long", "satisfied", "dat"}
NO = {"0", "khong", "no", "n", "false", "chua hai long", "khong hai long", "not satisfied",
      "unsatisfied", "chua dat"}
REASON_CODES = ("a", "b", "c", "d", "dd", "e", "f", "g", "other")
_REASON_SPLIT = re.compile(r"[,;|/\s]+")
_AGENCY_PREFIXES = ("so ", "phuong ", "xa ", "dac khu ", "ubnd ")


def parse_date(text: str, *, earliest: int = 2000, today: dt.date | None = None) -> dt.date:
    """A date written dd/mm/yyyy, yyyy-mm-dd (also with a time) and similar; not in the future."""
    value = text.strip().split(" ")[0].split("T")[0]
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
    """Reason codes a, b, c, d, đ, e, f, g, other (comma- or space-separated), sorted."""
    found = set()
    for token in _REASON_SPLIT.split(unicodedata.normalize("NFC", text).casefold()):
        token = token.strip("().").removeprefix("reason_")
        if not token:
            continue
        if token in ("đ", "dd"):
            found.add("dd")
        elif token in ("other", "khác", "khac"):
            found.add("other")
        elif token in REASON_CODES:
            found.add(token)
        else:
            raise ValueError(str(_l("Unknown reason “%(v)s”; use a, b, c, d, đ, e, f, g or "
                                    "other.", v=token)))
    return [c for c in REASON_CODES if c in found]


def parse_text(limit: int) -> Callable[[str], str]:
    """A parser for free text of at most ``limit`` characters."""
    def parse(text: str) -> str:
        if len(text) > limit:
            raise ValueError(str(_l("At most %(n)d characters.", n=limit)))
        return text
    return parse


def agency_parser(agencies: Iterable[tuple[int, str]]) -> Callable[[str], int]:
    """A parser that finds an agency by id or name (accents, case and 'Sở'/'Phường' optional)."""
    exact: dict[str, int] = {}
    short: dict[str, set[int]] = {}
    for aid, name in agencies:
        key = fold(name)
        exact[key] = aid
        exact[str(aid)] = aid
        for prefix in _AGENCY_PREFIXES:
            if key.startswith(prefix):
                short.setdefault(key[len(prefix):], set()).add(aid)

    def parse(text: str) -> int:
        key = fold(text)
        if key in exact:
            return exact[key]
        ids = short.get(key, set())
        if len(ids) == 1:
            return next(iter(ids))
        if len(ids) > 1:
            raise ValueError(str(_l("“%(v)s” matches several agencies; write the full name.",
                                    v=text)))
        raise ValueError(str(_l("Unknown agency “%(v)s”.", v=text)))
    return parse

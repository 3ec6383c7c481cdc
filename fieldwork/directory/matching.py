"""Matching names people write (on paper, in a search box, in another system's export) to
the directory's names (pure)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_COUNCIL = ("uy ban nhan dan ", "ubnd ")
_ABBREVIATED = re.compile(r"^(p|x|dk)\s*\.\s*")
_KINDS = {"p": "phuong ", "x": "xa ", "dk": "dac khu "}
KIND_WORDS = ("phuong ", "xa ", "dac khu ", "so ")


def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics, so "hai chau" finds "Phường Hải Châu"."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def agency_key(text: str) -> str:
    """An agency's name as matched: folded, without "UBND" / "Ủy ban nhân dân" before it,
    "P." and "X." written out ("UBND P. Hải Châu" and "Phường Hai Chau" give one key)."""
    key = fold(text).strip(" .,;:-")
    for prefix in _COUNCIL:
        if key.startswith(prefix):
            key = key[len(prefix):]
            break
    m = _ABBREVIATED.match(key)
    if m:
        key = _KINDS[m.group(1)] + key[m.end():]
    return key


def short_key(key: str) -> str | None:
    """The key without its kind ("phuong hai chau" -> "hai chau"), or None if it has none."""
    for word in KIND_WORDS:
        if key.startswith(word) and len(key) > len(word):
            return key[len(word):]
    return None


class AgencyIndex:
    """Agencies by every name they go by: own names, aliases, and those without their kind
    (when that leaves one agency)."""

    def __init__(self, names: Iterable[tuple[int, str]]) -> None:
        self.exact: dict[str, int] = {}
        self.short: dict[str, set[int]] = {}
        for aid, name in names:
            key = agency_key(name)
            self.exact.setdefault(key, aid)
            self.exact.setdefault(str(aid), aid)
            if (short := short_key(key)) is not None:
                self.short.setdefault(short, set()).add(aid)

    def find(self, written: str) -> set[int]:
        """The agencies ``written`` may name: one, several (ambiguous) or none."""
        key = agency_key(written)
        if key in self.exact:
            return {self.exact[key]}
        return set(self.short.get(short_key(key) or key, ()))


def suggest(written: str, names: Iterable[tuple[int, str]], cutoff: float = 0.75) -> int | None:
    """The agency whose name is closest to ``written`` (kind words aside), if close enough."""
    key = agency_key(written)
    want = short_key(key) or key
    best, score = None, cutoff
    for aid, name in names:
        other = agency_key(name)
        ratio = difflib.SequenceMatcher(None, want, short_key(other) or other).ratio()
        if ratio > score:
            best, score = aid, ratio
    return best


def match_field(written: str, fields: list[tuple[int, str, str]]) -> int | None:
    """The id of the field whose name or code is ``written`` (case, spacing and diacritics
    ignored), or None when none or several match."""
    key = fold(written or "")
    if not key:
        return None
    found = {fid for fid, code, name in fields if key in (fold(code), fold(name))}
    return found.pop() if len(found) == 1 else None

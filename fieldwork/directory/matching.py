"""Matching names people write (on paper, in a search box) to the directory's names."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics, so "hai chau" finds "Phường Hải Châu"."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def match_field(written: str, fields: list[tuple[int, str, str]]) -> int | None:
    """The id of the field whose name or code is ``written`` (case, spacing and diacritics
    ignored), or None when none or several match."""
    key = fold(written or "")
    if not key:
        return None
    found = {fid for fid, code, name in fields if key in (fold(code), fold(name))}
    return found.pop() if len(found) == 1 else None

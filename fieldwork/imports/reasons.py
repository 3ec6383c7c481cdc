"""Reasons for dissatisfaction read by their text, never by their letter alone (pure).

Seed 002 letters its reasons a, b, c, d, d, đ, e, g, e (typos in the decision): the city's
online software and the call centre export them in words or in their own letters. A cell is
read by the words of each reason (the seed's wording, its short list in III.2.a, our form's
Vietnamese and English; diacritics, case and punctuation ignored); our own codes
``reason_a`` ... ``reason_g``, ``reason_dd`` and ``other`` are read as such. Letters are read
only through a mapping {letter: code} the user gave and the dry run shows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from .tabular import UnknownName

CODES = ("a", "b", "c", "d", "dd", "e", "f", "g", "other")  # as stored; the form's reason_<x>
TEXTS: dict[str, tuple[str, ...]] = {
    "a": ("Về công khai, minh bạch, đầy đủ, kịp thời của thông tin thủ tục hành chính so với "
          "quy định",
          "Về công khai, minh bạch, đầy đủ, lập thời của thông tin thủ tục hành chính so với "
          "quy định",  # the seed's typo
          "Công khai, minh bạch, đầy đủ, kịp thời của thông tin thủ tục hành chính",
          "Public, transparent, complete and timely information on the procedure"),
    "b": ("Về tiến độ, kết quả giải quyết thủ tục hành chính",
          "Về tiến độ, kết quả giải quyết TTHC", "Tiến độ, thời gian kết quả giải quyết",
          "Progress and result of handling the procedure"),
    "c": ("Phải liên hệ nhiều lần để hoàn thiện thủ tục hành chính",
          "Liên hệ nhiều lần để hoàn thiện thủ tục hành chính",
          "Had to contact many times to complete the procedure"),
    "d": ("Thái độ ứng xử của cán bộ, công chức, viên chức hướng dẫn, tiếp nhận hồ sơ, giải "
          "quyết thủ tục hành chính",
          "Thái độ ứng xử của cán bộ, công chức, viên chức",
          "Attitude of the officials who guided, received and handled the dossier"),
    "dd": ("Về kết quả sử dụng lại giấy tờ hồ sơ đã được số hóa", "Số hóa hồ sơ",
           "Reuse of documents already digitised"),
    "e": ("Phải tốn các chi phí không chính thức ngoài quy định",
          "Các chi phí không chính thức", "Chi phí không chính thức",
          "Informal costs beyond the regulations"),
    "f": ("Về thời gian và chất lượng ý kiến giải trình về phản ánh, kiến nghị",
          "Thời gian và chất lượng ý kiến giải trình về phản ánh kiến nghị",
          "Time and quality of answers to complaints and petitions"),
    "g": ("Về chất lượng cung cấp dịch vụ trực tuyến", "Cung cấp dịch vụ trực tuyến",
          "Quality of online public services"),
    "other": ("Lý do khác", "Khác", "Other reason", "Other"),
}
LETTERS = ("a", "b", "c", "d", "đ", "e", "f", "g", "h", "i")
_SPLIT = re.compile(r"[;|\n\r]+")
_WORD = re.compile(r"[^\W_]+")
_LETTER_WORDS = {"a", "b", "c", "d", "dd", "e", "f", "g", "h", "i"}
_MARKER = re.compile(r"^\s*(?:[-+*•]|\(?[a-zđ]{1,2}[).])\s*", re.I)


def words(text: str) -> tuple[str, ...]:
    """The words of ``text``: no diacritics, case or punctuation ("Về" and "ve" alike)."""
    text = unicodedata.normalize("NFKD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return tuple(_WORD.findall(text))


def _drop_ve(w: tuple[str, ...]) -> tuple[str, ...]:
    return w[1:] if w[:1] == ("ve",) else w


_KNOWN = sorted(((_drop_ve(words(t)), code) for code, texts in TEXTS.items() for t in texts),
                key=lambda kv: -len(kv[0]))


def letter(token: str) -> str | None:
    """'đ', 'dd', 'Đ)' -> 'đ'; 'b.' -> 'b'; None if ``token`` is not one reason letter."""
    t = unicodedata.normalize("NFC", token).casefold().strip(" ().:")
    t = "đ" if t == "dd" else t
    return t if t in LETTERS else None


class ReasonLetters(UnknownName):
    """A cell that gives reasons by letters, with no letter mapping (or a letter outside
    it): ``letters`` are the letters it holds."""

    def __init__(self, message: str, letters: list[str]) -> None:
        super().__init__(message)
        self.letters = letters


def _codes_of_chunk(chunk: str) -> list[str] | None:
    """Codes named by the words of one item (several texts may follow one another, comma-
    separated, each perhaps after its letter); None when some words are no reason's."""
    w = words(_MARKER.sub("", chunk))
    out: list[str] = []
    i = 0
    while i < len(w):
        if w[i] == "reason" and i + 1 < len(w) and w[i + 1] in CODES:  # reason_dd
            out.append(w[i + 1])
            i += 2
            continue
        if w[i] == "ve" or (w[i] in _LETTER_WORDS and i + 1 < len(w)):  # "Về", "đ)"
            i += 1
            continue
        for key, code in _KNOWN:
            if w[i:i + len(key)] == key:
                out.append(code)
                i += len(key)
                if code == "other":  # "Lý do khác: ..." - the rest is its text
                    i = len(w)
                break
        else:
            return None
    return out or None


def reason_parser(letters: dict[str, str] | None = None) -> Callable[[str], list[str]]:
    """A parser of a reasons cell: codes (sorted, each once), read by text; letters only
    through ``letters`` {letter: code}."""
    letters = {letter(k) or k: v for k, v in (letters or {}).items()}

    def parse(text: str) -> list[str]:
        found: set[str] = set()
        for chunk in _SPLIT.split(unicodedata.normalize("NFC", str(text))):
            if not chunk.strip():
                continue
            tokens = [t for t in re.split(r"[,\s]+", chunk) if t.strip(" ().:")]
            as_letters = [letter(t) for t in tokens]
            if tokens and all(as_letters):
                missing = [x for x in as_letters if x not in letters]
                if missing:
                    raise ReasonLetters(str(_l(
                        "Reasons written as letters (%(v)s): the seed's letters are "
                        "ambiguous, so say which reason each letter means.",
                        v=", ".join(dict.fromkeys(as_letters)))), list(dict.fromkeys(missing)))
                found.update(letters[x] for x in as_letters)
                continue
            codes = _codes_of_chunk(chunk)
            if codes is None:
                raise ValueError(str(_l("“%(v)s” is not one of the reasons (write its text as "
                                        "on the form).", v=chunk.strip()[:80])))
            found.update(codes)
        return [c for c in CODES if c in found]
    return parse


def parse_letter_mapping(text: str) -> dict[str, str]:
    """'a=reason_a, đ=Chi phí không chính thức' -> {'a': 'a', 'đ': 'e'}; ValueError naming
    what cannot be read."""
    out: dict[str, str] = {}
    text = text or ""
    for part in re.split(r"[;\n]+" if re.search(r"[;\n]", text) else ",", text):
        if not part.strip():
            continue
        left, sep, right = part.partition("=")
        key, right = letter(left), right.strip()
        codes = [right] if right in CODES else _codes_of_chunk(right) if sep and right else None
        if key is None or not codes or len(codes) != 1:
            raise ValueError(str(_l("“%(v)s” is not letter=reason (a reason's code such as "
                                    "reason_e, or its text).", v=part.strip())))
        if key in out and out[key] != codes[0]:
            raise ValueError(str(_l("The letter “%(v)s” is given two reasons.", v=key)))
        out[key] = codes[0]
    return out


def letters_in(text: str) -> list[str]:
    """The reason letters a cell holds (those of a letters-only item), in order."""
    out: list[str] = []
    for chunk in _SPLIT.split(unicodedata.normalize("NFC", str(text))):
        tokens = [t for t in re.split(r"[,\s]+", chunk) if t.strip(" ().:")]
        found = [letter(t) for t in tokens]
        if tokens and all(found):
            out += [x for x in found if x not in out]
    return out


def label(code: str) -> str:
    """The reason's wording on our form (Vietnamese)."""
    return TEXTS[code][0]

"""The header's geometry: column widths from the widths of its lines at the decree's sizes.

Each column is as wide as its longest line needs, so the motto and the issuing body each
stay on one line without shrinking type. A name too long for the room left is broken into
balanced lines (the decree allows a long name on several lines) and reported as overflow.
Both builders read the same ``HeaderLayout``, so the PDF and the DOCX break lines alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .decree import MOTTO_1, MOTTO_2, SIZE, TEXT_WIDTH_CM
from .fonts import text_width_cm
from .model import Document

PAD_CM = 0.06       # room left on each side of a header line (rounding in word processors)
MIN_RIGHT_CM = 8.0  # the motto column never gives more than this up to a long name


@dataclass
class Overflow:
    """A header line too long for its column: which one, its width and the room."""

    part: str
    text: str
    width_cm: float
    room_cm: float
    lines: int


@dataclass
class HeaderLayout:
    """Column widths (cm), the lines of each column, and the rules' lengths (cm)."""

    left_cm: float
    right_cm: float
    parent: list[str]
    issuer: list[str]
    number: str
    motto: tuple[str, str]
    date: list[str]
    issuer_rule_cm: float
    motto_rule_cm: float
    overflow: list[Overflow] = field(default_factory=list)


def width(text: str, part: str) -> float:
    """Width in cm of ``text`` set as header ``part`` (its size, weight and slant)."""
    bold = part in ("issuer", "motto1", "motto2", "kind", "subject", "sign", "draft")
    return text_width_cm(text, SIZE[part], bold=bold, italic=part == "date")


def _greedy(words: list[str], part: str, limit: float) -> list[list[str]]:
    lines, current = [], []
    for word in words:
        if current and width(" ".join([*current, word]), part) > limit:
            lines.append(current)
            current = []
        current.append(word)
    return [*lines, current]


def wrap(text: str, part: str, room_cm: float) -> list[str]:
    """``text`` in as few lines as fit ``room_cm``, the lines made as even as they can be."""
    words = text.split()
    if not words:
        return []
    if width(text, part) <= room_cm:
        return [text.strip()]  # as typed: the blanks of an undated date line stay
    count = len(_greedy(words, part, room_cm))
    # The narrowest limit that still needs no more lines gives the most even lines.
    low, high = width(text, part) / count, room_cm
    for _step in range(20):
        mid = (low + high) / 2
        if len(_greedy(words, part, mid)) <= count:
            high = mid
        else:
            low = mid
    return [" ".join(line) for line in _greedy(words, part, high)]


def header_layout(doc: Document) -> HeaderLayout:
    """Column widths and lines of the header of ``doc`` (see the module docstring)."""
    left_parts = [("parent", doc.parent_body), ("issuer", doc.issuing_body),
                  ("number", doc.number_line)]
    right_parts = [("motto1", MOTTO_1), ("motto2", MOTTO_2), ("date", doc.date_line)]
    need_left = max((width(t, p) for p, t in left_parts if t), default=0) + 2 * PAD_CM
    need_right = max(width(t, p) for p, t in right_parts if t) + 2 * PAD_CM
    need_right = min(need_right, TEXT_WIDTH_CM - 4.0)
    spare = TEXT_WIDTH_CM - need_left - need_right
    if spare >= 0:
        left = need_left + spare / 2
    else:
        left = TEXT_WIDTH_CM - max(need_right, MIN_RIGHT_CM)
    right = TEXT_WIDTH_CM - left
    overflow = []

    def lines_of(part: str, text: str, column: float) -> list[str]:
        room = column - 2 * PAD_CM
        out = wrap(text, part, room)
        if len(out) > 1:
            overflow.append(Overflow(part, text, round(width(text, part), 2), round(room, 2),
                                     len(out)))
        return out

    parent = lines_of("parent", doc.parent_body, left)
    issuer = lines_of("issuer", doc.issuing_body, left)
    date = lines_of("date", doc.date_line, right)
    issuer_w = max((width(t, "issuer") for t in issuer), default=0)
    return HeaderLayout(
        left_cm=round(left, 3), right_cm=round(right, 3), parent=parent, issuer=issuer,
        number=doc.number_line, motto=(MOTTO_1, MOTTO_2), date=date,
        issuer_rule_cm=round(max(min(issuer_w * 0.4, left - 1), 1.5), 2),
        motto_rule_cm=round(width(MOTTO_2, "motto2"), 2), overflow=overflow)


def subject_rule_cm(doc: Document) -> float:
    """Length of the rule under the subject: 1/3 to 1/2 of its longest line (0.4 here)."""
    longest = max((width(line, "subject") for line in doc.subject.splitlines() if line.strip()),
                  default=width(doc.kind, "kind"))
    return round(min(max(longest * 0.4, 2.5), TEXT_WIDTH_CM * 0.5), 2)


def signature_columns(doc: Document) -> tuple[float, float]:
    """Widths (cm) of the recipients column and the signature column: the signature's
    lines at 13 pt bold decide, between 7.5 cm and all but 5 cm of the text width."""
    sign = doc.signature
    need = max((width(t, "sign") for t in [*sign.lines, sign.name] if t), default=6.0)
    right = min(max(need + 2 * PAD_CM, 7.5), TEXT_WIDTH_CM - 5.0)
    return round(TEXT_WIDTH_CM - right, 3), round(right, 3)

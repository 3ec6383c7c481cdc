"""The document model: what a Decree 30/2020 document says, as plain data (no layout).

Plans and reports build a ``Document``; ``pdf.render_pdf`` and ``word.render_docx`` lay the
same object out, so both files carry the same text, numbers and signature.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class Para:
    """A paragraph. ``level`` 2 or 3 makes it a numbered sub-heading ("1. ...", "a) ...");
    a bold level-0 paragraph is a table or list title kept with what follows."""

    text: str
    bold: bool = False
    italic: bool = False
    level: int = 0


@dataclass
class Table:
    """A grid: the first ``header_rows`` rows are the header (repeated on every page);
    ``widths`` in cm (scaled to the text width); ``numeric`` columns are right-aligned;
    ``total`` sets the last row in bold."""

    rows: list[list[str]]
    widths: tuple[float, ...]
    numeric: tuple[int, ...] = ()
    header_rows: int = 1
    total: bool = False


@dataclass
class Chart:
    """A chart as PNG bytes with its caption."""

    caption: str
    png: bytes


@dataclass
class Section:
    """A Roman-numeral section of the body, or an annex (after the signature) when ``annex``."""

    heading: str
    blocks: list = field(default_factory=list)
    annex: bool = False


@dataclass
class Signature:
    """The signature block: authority lines ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), the
    signer's title and name; ``note`` goes in the signing space (e.g. "(Đã ký)")."""

    authority: list[str] = field(default_factory=list)
    title: str = ""
    name: str = ""
    note: str = ""

    @property
    def lines(self) -> list[str]:
        """The capitalised lines above the signing space."""
        return [*self.authority, *([self.title] if self.title else [])]


@dataclass
class DraftMark:
    """"DỰ THẢO" on a draft: its version (None when unnumbered) and date."""

    on: date
    version: int | None = None

    @property
    def label(self) -> str:
        """"DỰ THẢO LẦN 2" or "DỰ THẢO"."""
        return "DỰ THẢO" + (f" LẦN {self.version}" if self.version else "")

    @property
    def line(self) -> str:
        """The label with its date, for page headers: "DỰ THẢO LẦN 2 – 05/11/2026"."""
        return f"{self.label} – {self.on:%d/%m/%Y}"


@dataclass
class Document:
    """An administrative document in the layout of Decree 30/2020/NĐ-CP, Appendix I."""

    kind: str
    subject: str
    issuing_body: str
    number_line: str
    date_line: str
    parent_body: str = ""
    intro: list = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    closing: list[Para] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signature: Signature = field(default_factory=Signature)
    draft: DraftMark | None = None
    author: str = ""
    created: datetime | None = None

    @property
    def title(self) -> str:
        """The document's title for file properties: kind and subject on one line."""
        return " ".join(f"{self.kind} {self.subject}".split())

    @property
    def body(self) -> list[Section]:
        """The numbered sections, before the signature."""
        return [s for s in self.sections if not s.annex]

    @property
    def annexes(self) -> list[Section]:
        """The annexes, each on a new page after the signature."""
        return [s for s in self.sections if s.annex]

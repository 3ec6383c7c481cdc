"""The one-stop system's dossier list: its fields, cell parsers and row rule (pure)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

from flask_babel import lazy_gettext as _l

from ..imports.parsers import agency_parser, parse_date, parse_text, restore_cid, restore_phone
from ..imports.tabular import FieldSpec, fold
from ..privacy.validate import parse_cid, parse_phone

FAR_FUTURE = dt.date(2100, 1, 1)
CODE_MAX = 64
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_day(text: str, *, latest: dt.date | None = None) -> dt.date:
    """A date as :func:`imports.parsers.parse_date` reads it, dd/mm/yyyy without strptime
    (a one-stop export has hundreds of thousands of them)."""
    m = _DMY.fullmatch(text.strip())
    if m:
        try:
            day = dt.date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            day = None
        if day is not None and 2000 <= day.year and day <= (latest or dt.date.today()):
            return day
    return parse_date(text, today=latest)


def parse_code(text: str) -> str:
    """A dossier code: up to 64 characters without blanks inside, stored in upper case."""
    code = text.strip().upper()
    if len(code) > CODE_MAX:
        raise ValueError(str(_l("At most %(n)d characters.", n=CODE_MAX)))
    if any(c.isspace() for c in code):
        raise ValueError(str(_l("A dossier code contains no spaces.")))
    return code


def parse_due(text: str) -> dt.date:
    """A due date (appointment date): may lie in the future."""
    return parse_day(text, latest=FAR_FUTURE)


def field_parser(fields: Iterable[tuple[int, str, str]]) -> Callable[[str], int]:
    """A parser that finds a field (lĩnh vực) by id, code or name (accents and case free)."""
    known: dict[str, int] = {}
    for fid, code, name in fields:
        known[str(fid)] = fid
        known[fold(code)] = fid
        known[fold(name)] = fid

    def parse(text: str) -> int:
        try:
            return known[fold(text)]
        except KeyError:
            raise ValueError(str(_l("Unknown field “%(v)s”.", v=text))) from None
    return parse


def frame_fields(agencies: Iterable[tuple[int, str]],
                 fields: Iterable[tuple[int, str, str]]) -> list[FieldSpec]:
    """Field specs of a dossier list; the dossier code alone identifies a row."""
    return [
        FieldSpec("code", str(_l("Dossier code")), parse_code,
                  synonyms=("ma ho so", "so ho so", "ma hs", "dossier code", "dossier", "code")),
        FieldSpec("agency", str(_l("Agency")), agency_parser(agencies),
                  synonyms=("co quan", "don vi", "co quan xu ly", "co quan giai quyet",
                            "don vi xu ly", "agency"), identity=False),
        FieldSpec("field", str(_l("Field")), field_parser(fields), required=False,
                  synonyms=("linh vuc", "ma linh vuc", "field"), identity=False),
        FieldSpec("procedure", str(_l("Procedure")), parse_text(500), required=False,
                  synonyms=("thu tuc", "thu tuc hanh chinh", "ten thu tuc", "procedure"),
                  identity=False),
        FieldSpec("received_on", str(_l("Date received")), parse_day,
                  synonyms=("ngay tiep nhan", "ngay nhan", "received", "received on"),
                  identity=False),
        FieldSpec("returned_on", str(_l("Date returned")), parse_day,
                  synonyms=("ngay tra ket qua", "ngay tra", "ngay tra kq", "returned",
                            "returned on"), identity=False),
        FieldSpec("due_on", str(_l("Due date")), parse_due, required=False,
                  synonyms=("ngay hen tra", "han xu ly", "ngay hen", "han giai quyet", "due",
                            "due on"), identity=False),
        FieldSpec("name", str(_l("Applicant name")), parse_text(200), required=False,
                  synonyms=("ho ten", "ho va ten", "nguoi nop", "ten nguoi nop", "chu ho so",
                            "applicant", "name"), identity=False),
        FieldSpec("phone", str(_l("Phone")), parse_phone, required=False,
                  synonyms=("so dien thoai", "dien thoai", "sdt", "phone", "so dt",
                            "dien thoai lien he"), identity=False, restore=restore_phone),
        FieldSpec("cid", str(_l("Citizen ID")), parse_cid, required=False,
                  synonyms=("cccd", "can cuoc", "so cccd", "can cuoc cong dan", "so dinh danh",
                            "citizen id", "so cccd/cmnd", "cccd/cmnd", "so giay to tuy than",
                            "so dinh danh ca nhan"), identity=False, restore=restore_cid),
    ]


def row_rule(values: dict) -> dict[str, str]:
    """Dates in order: returned and due not before received."""
    errors = {}
    received, returned, due = values.get("received_on"), values.get("returned_on"), \
        values.get("due_on")
    if received and returned and returned < received:
        errors["returned_on"] = str(_l("Returned (%(r)s) before it was received (%(d)s).",
                                       r=returned.strftime("%d/%m/%Y"),
                                       d=received.strftime("%d/%m/%Y")))
    if received and due and due < received:
        errors["due_on"] = str(_l("Due (%(r)s) before it was received (%(d)s).",
                                  r=due.strftime("%d/%m/%Y"), d=received.strftime("%d/%m/%Y")))
    return errors


def is_late(values: dict) -> bool:
    """Returned after the due date (a dossier without a due date is not late)."""
    due, returned = values.get("due_on"), values.get("returned_on")
    return bool(due and returned and returned > due)

"""Whose sheet it is, when keying or correcting: agency and field from lists, never typed.

The lists start on what the paper already says (its record: the agency printed on it, the
batch's field, a drawn dossier's field); the identity questions the paper did not ask (the
dossier code of a generic sheet; the dossier and procedure of a personalised one) are not
shown and take their value from the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..directory.models import Agency, Field
from ..extensions import db
from ..forms.imprint import AGENCY, CONTACT, DOSSIER, FIELD, PROCEDURE
from ..forms.records import sheet_record


@dataclass
class Lists:
    """Choices and defaults of the agency and field lists, and the questions they replace."""

    agencies: list[tuple[int, str]]
    fields: list[tuple[int, str]]
    agency_id: int | None = None
    field_id: int | None = None
    hidden: set[str] = field(default_factory=lambda: {AGENCY, FIELD})
    known: dict[str, str] = field(default_factory=dict)
    unasked: set[str] = field(default_factory=set)  # on the paper's record, not asked on it


def lists_for(survey, serial: int, agency_id: int | None = None,
              field_id: int | None = None) -> Lists:
    """The lists for a sheet of ``survey``; defaults from its record unless given."""
    agencies = sorted(((row.agency_id, row.agency.name) for row in survey.scope),
                      key=lambda a: a[1])
    agencies = list(dict.fromkeys(agencies))
    fields = [(f.id, f.name) for f in db.session.scalars(select(Field).order_by(Field.name))]
    out = Lists(agencies, fields, agency_id, field_id)
    record = sheet_record(survey.id, serial)
    if record is None:
        return out
    out.agency_id = agency_id or record.agency_id
    out.field_id = field_id or record.field_id
    if record.bound:
        known = record.known()
        out.hidden |= {DOSSIER}
        out.known[DOSSIER] = known.get(DOSSIER, "")
        out.unasked = {AGENCY, DOSSIER} | ({FIELD} if len(record.ticks) < 2 else set())
        if record.dossier is not None:  # personalised: neither procedure nor contact asked
            out.hidden |= {PROCEDURE, *CONTACT}
            out.unasked |= {PROCEDURE, FIELD, *CONTACT}
            out.known[PROCEDURE] = known.get(PROCEDURE, "")
    return out


def merged(raw: dict, lists: Lists, agency_id: int | None, field_id: int | None,
           current: dict | None = None) -> dict:
    """Typed answers plus the names chosen from the lists and what the record knows.

    ``current``: a sheet's final answers (when correcting it): a hidden question the record
    knows nothing about keeps its value.
    """
    out = dict(raw)
    agency = db.session.get(Agency, agency_id) if agency_id else None
    found = db.session.get(Field, field_id) if field_id else None
    out[AGENCY] = agency.name if agency else ""
    out[FIELD] = found.name if found else ""
    for code in lists.hidden - {AGENCY, FIELD}:
        if lists.known.get(code):
            out[code] = lists.known[code]
        elif current and current.get(code):
            out[code] = " ".join(current[code])
        else:
            out.setdefault(code, "")
    return out


def for_sheet(survey, serial: int, raw: dict, identity: tuple | None,
              current: dict | None = None) -> tuple[dict, tuple, set[str]]:
    """(answers, (agency id, field id), unasked codes) of a keyed or corrected sheet.

    The agency and field answers are always the names of the list choices (``identity``;
    the record's when None), never what was typed.
    """
    lists = lists_for(survey, serial, *(identity or (None, None)))
    chosen = identity if identity is not None else (lists.agency_id, lists.field_id)
    return merged(raw, lists, *chosen, current=current), tuple(chosen), lists.unasked


def check_choice(lists: Lists, agency_id: int | None, field_id: int | None) -> dict[str, list]:
    """Errors of the lists: a value not on them (forged form) or no agency chosen."""
    errors: dict[str, list] = {}
    if agency_id is None or agency_id not in {a for a, _n in lists.agencies}:
        errors[AGENCY] = [_("Choose the agency from the list.")]
    if field_id is not None and field_id not in {f for f, _n in lists.fields}:
        errors[FIELD] = [_("Choose the field from the list.")]
    return errors

"""What a draw hands out: the draw file, the call centre's call list (CSV) and invitation
lists per enumerator assignment (PDF). Each row carries its dossier code and draw position
so that results can be matched back. Names and phones are shown only to users entitled to
contact data; everyone else gets them masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..cells import csv_bytes as to_csv  # noqa: F401 - the lists' CSV writer, re-exported
from ..extensions import db
from ..privacy.crypto import DecryptError, decrypt
from ..privacy.mask import mask_phone
from .models import FrameDraw

DRAW_COLUMNS = ("dossier_code", "agency", "field", "reserve", "rank")
CALL_COLUMNS = ("draw_id", "position", "dossier_code", "agency", "field", "procedure",
                "returned_on", "due_on", "late", "reserve", "rank", "applicant", "phone",
                "outcome", "attempts")  # the last two the call centre fills in


def mask_name(name: str) -> str:
    """``Nguyễn Thị Hoà`` -> ``N. T. H.``: initials only."""
    return " ".join(f"{w[0]}." for w in name.split() if w)


def _open(token: str | None) -> str:
    if not token:
        return ""
    try:
        return decrypt(token)
    except DecryptError:
        return "?"


def _field_name(item) -> str:
    f = item.dossier.field
    return f.name if f is not None else ""


def draw_rows(draw: FrameDraw) -> list[dict]:
    """One row per drawn dossier, by agency, field and drawing order (no personal data)."""
    rows = [{"dossier_code": i.dossier.code, "agency": i.dossier.agency.name,
             "field": _field_name(i), "reserve": int(i.reserve), "rank": i.rank,
             "_order": (i.dossier.agency.name, _field_name(i), i.rank)} for i in draw.items]
    rows.sort(key=lambda r: r.pop("_order"))
    return rows


def call_rows(draw: FrameDraw, reveal: bool) -> list[dict]:
    """The call list: dossier, agency, dates, late and reserve flags, applicant and phone."""
    out = []
    for i in draw.items:
        x = i.dossier
        name, phone = _open(x.name_enc), _open(x.phone_enc)
        out.append({
            "draw_id": draw.id, "position": i.position, "dossier_code": x.code,
            "agency": x.agency.name, "field": _field_name(i), "procedure": x.procedure,
            "returned_on": x.returned_on.isoformat() if x.returned_on else "",
            "due_on": x.due_on.isoformat() if x.due_on else "", "late": int(x.late),
            "reserve": int(i.reserve), "rank": i.rank,
            "applicant": name if reveal else mask_name(name),
            "phone": phone if reveal else mask_phone(phone),
            "outcome": i.outcome.value if i.outcome else "", "attempts": i.attempts or ""})
    return out


@dataclass
class InvitationGroup:
    """The dossiers one enumerator is to visit or write to at one agency."""

    enumerator: str
    agency: str
    rows: list[dict] = field(default_factory=list)


def invitation_groups(draw: FrameDraw, reveal: bool, unassigned: str) -> list[InvitationGroup]:
    """Drawn dossiers shared among the enumerators assigned to each agency, in turn by rank
    (sample first, then reserves); an agency without assignment gets one ``unassigned``
    group."""
    from ..plans.models_fieldwork import Assignment

    assignments = db.session.scalars(select(Assignment).where(
        Assignment.survey_id == draw.survey_id).order_by(Assignment.agency_id, Assignment.id))
    by_agency: dict[int, list] = {}
    for a in assignments:
        by_agency.setdefault(a.agency_id, []).append(a)
    groups: dict[tuple[int, int | None], InvitationGroup] = {}
    items = sorted(draw.items, key=lambda i: (i.dossier.agency.name, i.reserve, i.rank,
                                              i.position))
    turn: dict[int, int] = {}
    for i in items:
        x = i.dossier
        mine = by_agency.get(x.agency_id, [])
        k = turn.get(x.agency_id, 0)
        turn[x.agency_id] = k + 1
        a = mine[k % len(mine)] if mine else None
        key = (x.agency_id, a.id if a else None)
        if key not in groups:
            groups[key] = InvitationGroup(a.enumerator.name if a else unassigned,
                                          x.agency.name)
        name = _open(x.name_enc)
        groups[key].rows.append({
            "position": i.position, "code": x.code, "name": name if reveal else mask_name(name),
            "phone": _open(x.phone_enc) if reveal else mask_phone(_open(x.phone_enc)),
            "field": _field_name(i), "procedure": x.procedure,
            "returned_on": x.returned_on.strftime("%d/%m/%Y") if x.returned_on else "",
            "late": x.late, "reserve": i.reserve, "rank": i.rank})
    return sorted(groups.values(), key=lambda g: (g.agency, g.enumerator))

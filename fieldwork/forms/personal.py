"""Personalised sheets: one per drawn dossier, its serial recorded, voided on a re-print.

The sheet's record (``PrintedSheet``) is how the reader, keying and review know whose
sheet it is: the QR code carries only the serial. What a personalised sheet prints about
its dossier is what the respondent needs to recognise it (agency, procedure, date
returned); contact data for re-check stay in the frame, encrypted.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import insert, select

from .. import audit
from ..errors import OperationError
from ..extensions import db
from ..timeutil import utcnow
from .imprint import DossierText
from .models import PrintBatch, PrintedSheet, format_serial


@dataclass
class Picked:
    """The dossiers a personalised batch prints, and the live sheets a re-print voids."""

    dossiers: list  # FrameDossier, in print order (agency, then draw position)
    voids: list[PrintedSheet]


def _live(survey) -> dict[int, PrintedSheet]:
    rows = db.session.scalars(select(PrintedSheet).where(
        PrintedSheet.survey_id == survey.id, PrintedSheet.voided_at.is_(None)))
    return {r.dossier_id: r for r in rows}


def unsettled():
    """The condition on a draw item that it still waits for an answer: no outcome yet, or
    not reachable (by telephone; paper may reach it). Answered, refused and ineligible
    dossiers get no form: one would waste paper or be counted twice."""
    from ..frames.models import FrameDrawItem, Outcome

    settled = (Outcome.ANSWERED, Outcome.PARTIAL, Outcome.REFUSED, Outcome.INELIGIBLE)
    return FrameDrawItem.outcome.is_(None) | FrameDrawItem.outcome.not_in(settled)


def pick(survey, agency_id: int | None, count: int | None, reprint: str = "") -> Picked:
    """Drawn dossiers (the sample, not reserves) to print, of one agency or all.

    Dossiers with a final outcome (answered, refused, ineligible) are left out. Without
    ``reprint``: those without a live sheet. With a reason: those whose live sheet
    has not come back (they are printed again and the old serials become void); a dossier
    whose sheet came back is never printed again.
    """
    from ..frames.models import FrameDossier, FrameDrawItem
    from ..frames.operations_draw import active_draw

    draw = active_draw(survey)
    if draw is None:
        raise OperationError(_("Survey %(code)s has no draw of respondents yet: import the "
                               "dossier list and draw first.", code=survey.code))
    q = select(FrameDossier).join(FrameDrawItem, FrameDrawItem.dossier_id == FrameDossier.id) \
        .where(FrameDrawItem.draw_id == draw.id, FrameDrawItem.reserve.is_(False),
               unsettled())
    if agency_id is not None:
        q = q.where(FrameDrawItem.agency_id == agency_id)
    # By agency, then round the agency's strata (fields) in draw order, so that a part of
    # the draw printed first already covers every field.
    rows = db.session.execute(q.add_columns(FrameDrawItem.rank, FrameDrawItem.position)).all()
    drawn = [d for d, _rank, _pos in sorted(rows, key=lambda r: (r[0].agency.name, r[1], r[2]))]
    if not drawn:
        raise OperationError(_("The draw has no dossier of this agency still waiting for an "
                               "answer (answered, refused and ineligible dossiers get no "
                               "form)."))
    live = _live(survey)
    if reprint:
        out = [d for d in drawn if d.id in live and live[d.id].returned_at is None]
        if not out:
            raise OperationError(_("No printed sheet of these drawn dossiers is still out: "
                                   "nothing to print again (a sheet that came back is never "
                                   "printed again)."))
    else:
        out = [d for d in drawn if d.id not in live]
        if not out:
            raise OperationError(_(
                "All %(n)d drawn dossiers already have a printed sheet. To print them again, "
                "give the reason: their old serials become void.", n=len(drawn)))
    if count is not None:
        out = out[:count]
    return Picked(out, [live[d.id] for d in out if d.id in live] if reprint else [])


def texts(dossiers: list, agency_known: bool) -> list[DossierText]:
    """What each sheet prints about its dossier (the agency too when the batch has several)."""
    return [DossierText(agency="" if agency_known else d.agency.name,
                        procedure=d.procedure or "",
                        returned=d.returned_on.strftime("%d/%m/%Y") if d.returned_on else "")
            for d in dossiers]


def record(batch: PrintBatch, picked: Picked, reason: str, user) -> None:
    """Void the old sheets of a re-print and record each new serial's dossier (audited)."""
    now = utcnow()
    for old in picked.voids:
        old.voided_at, old.void_reason = now, reason
    db.session.flush()  # the live-dossier index must see the old sheets go first
    rows = [{"survey_id": batch.survey_id, "batch_id": batch.id, "serial": batch.first_serial + i,
             "dossier_id": d.id, "agency_id": d.agency_id}
            for i, d in enumerate(picked.dossiers)]
    db.session.execute(insert(PrintedSheet), rows)
    if picked.voids:
        audit.record(user, "print.void", batch, reason=reason, after={
            "serials": [o.serial_text for o in picked.voids],
            "reprinted_as": [format_serial(batch.first_serial + i)
                             for i, d in enumerate(picked.dossiers)
                             if d.id in {o.dossier_id for o in picked.voids}]})


def sheet_of(survey_id: int, serial: int) -> PrintedSheet | None:
    """The personalised sheet record of a serial, if it is one."""
    return db.session.scalar(select(PrintedSheet).where(
        PrintedSheet.survey_id == survey_id, PrintedSheet.serial == serial))


def refusal(sheet: PrintedSheet | None) -> tuple[str, str] | None:
    """(reason code, message) when a returned personalised sheet must not count, else None."""
    if sheet is None:
        return None
    if sheet.voided_at is not None:
        again = db.session.scalar(select(PrintedSheet).where(
            PrintedSheet.dossier_id == sheet.dossier_id, PrintedSheet.voided_at.is_(None)))
        return "void_serial", _(
            "Sheet %(s)s was printed again (%(reason)s)%(new)s; the old sheet is void and "
            "does not count.", s=sheet.serial_text, reason=sheet.void_reason or "",
            new=_(" as sheet %(n)s", n=again.serial_text) if again else "")
    return None


def returned(survey_id: int, serial: int, user, how: str) -> PrintedSheet | None:
    """A personalised sheet came back (``how``: scan or keying): never printed again.

    Its dossier's outcome in the draw becomes answered when the sheet is approved, through
    the frames package's outcome operation (``frames.outcomes.answer_arrived``, called by
    entry's approval for a sheet naming a drawn dossier: the sheet's record names it).
    """
    sheet = sheet_of(survey_id, serial)
    if sheet is None or sheet.voided_at is not None or sheet.returned_at is not None:
        return sheet
    sheet.returned_at = utcnow()
    db.session.flush()
    audit.record(user, "print.returned", sheet.batch, after={
        "serial": sheet.serial_text, "dossier": sheet.dossier.code, "via": how})
    return sheet


def paper_sheets(draw) -> list[dict]:
    """The personalised sheets of a draw's dossiers, newest first per dossier: serial,
    dossier code, agency, and whether it is out, answered (came back) or void."""
    from ..frames.models import FrameDrawItem

    rows = db.session.scalars(select(PrintedSheet).join(
        FrameDrawItem, (FrameDrawItem.dossier_id == PrintedSheet.dossier_id)
        & (FrameDrawItem.draw_id == draw.id)).order_by(PrintedSheet.serial)).all()
    return [{"serial": r.serial_text, "dossier": r.dossier.code, "agency_id": r.agency_id,
             "state": "void" if r.voided_at else ("answered" if r.returned_at else "out"),
             "returned_at": r.returned_at} for r in rows]

"""Re-check state changes: draw a frozen sample, record outcomes (audited; caller commits)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.operations import record
from ..entry.models import EntrySheet, ReviewState
from ..errors import OperationError
from ..extensions import db
from ..plans.operations import require
from ..timeutil import utcnow
from .models import (
    DRAWERS,
    RECHECKERS,
    Outcome,
    PeriodKind,
    RecheckDraw,
    RecheckItem,
    SizeMode,
)
from .sampling import draw_sample, period_bounds

MAX_NOTES = 2000


def _at(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def population(survey_id: int, start, end) -> dict[int | None, list[int]]:
    """Approved sheets of a survey received in [start, end), by agency."""
    rows = db.session.execute(select(EntrySheet.id, EntrySheet.agency_id).where(
        EntrySheet.survey_id == survey_id, EntrySheet.review_state == ReviewState.APPROVED,
        EntrySheet.created_at >= _at(start), EntrySheet.created_at < _at(end)))
    strata: dict[int | None, list[int]] = {}
    for sheet_id, agency_id in rows:
        strata.setdefault(agency_id, []).append(sheet_id)
    return strata


def create_draw(survey, data: dict, user) -> RecheckDraw:
    """Draw {period_kind, period, seed, size_mode, size_value, reason?}; frozen once made."""
    require(user, *DRAWERS)
    try:
        kind = PeriodKind(data.get("period_kind"))
        mode = SizeMode(data.get("size_mode"))
        seed, value = int(data.get("seed")), int(data.get("size_value"))
        start, end = period_bounds(kind.value, data.get("period") or "")
    except (TypeError, ValueError) as exc:
        raise OperationError(_("Check the period, seed and size: %(why)s", why=str(exc))
                             ) from None
    if value <= 0 or (mode == SizeMode.PERCENT and value > 100):
        raise OperationError(_("The size must be a positive number (a percentage at most 100)."))
    period = (data.get("period") or "").strip().upper()
    reason = (data.get("reason") or "").strip() or None
    earlier = db.session.scalar(select(RecheckDraw.id).where(
        RecheckDraw.survey_id == survey.id, RecheckDraw.period == period).limit(1))
    if earlier is not None and not reason:
        raise OperationError(_("This period was drawn already; a new draw needs a reason."))
    strata = population(survey.id, start, end)
    if not strata:
        raise OperationError(_("No approved sheets were received in %(p)s.", p=period))
    sample = draw_sample(strata, seed, mode.value, value, salt=f"{survey.id}:{period}")
    draw = RecheckDraw(survey_id=survey.id, period_kind=kind, period=period, period_start=start,
                       period_end=end, seed=seed, size_mode=mode, size_value=value,
                       population=sum(len(v) for v in strata.values()), reason=reason,
                       created_by_id=getattr(user, "id", None))
    db.session.add(draw)
    db.session.flush()
    sheets = {s.id: s for s in db.session.scalars(select(EntrySheet).where(
        EntrySheet.id.in_([i for ids in sample.values() for i in ids])))}
    position = 0
    for ids in sample.values():
        for sheet_id in ids:
            position += 1
            sheet = sheets[sheet_id]
            db.session.add(RecheckItem(draw_id=draw.id, sheet_id=sheet_id, position=position,
                                       agency_id=sheet.agency_id,
                                       enumerator_id=sheet.enumerator_id))
    db.session.flush()
    record(user, "quality.recheck_draw", draw, after={
        "period": period, "seed": seed, "size": f"{value} {mode.value}",
        "population": draw.population, "drawn": position,
        "sheets": sorted(s.serial for s in sheets.values())}, reason=reason)
    return draw


def record_outcome(item: RecheckItem, data: dict, user) -> RecheckItem:
    """Record {outcome, notes} for one drawn sheet (a change later is audited too)."""
    require(user, *RECHECKERS)
    try:
        outcome = Outcome(data.get("outcome"))
    except ValueError:
        raise OperationError(_("Choose an outcome.")) from None
    if outcome == Outcome.PENDING:
        raise OperationError(_("Choose an outcome."))
    notes = (data.get("notes") or "").strip()
    if len(notes) > MAX_NOTES:
        raise OperationError(_("Notes are at most %(n)d characters.", n=MAX_NOTES))
    if outcome in (Outcome.DENIED, Outcome.DIFFERS) and not notes:
        raise OperationError(_("Say in the notes what the respondent said."))
    before = {"outcome": item.outcome.value, "notes": item.notes}
    item.outcome, item.notes = outcome, notes
    item.recorded_by_id, item.recorded_at = getattr(user, "id", None), utcnow()
    db.session.flush()
    record(user, "quality.recheck_outcome", item, before=before,
           after={"outcome": outcome.value, "notes": notes})
    return item


def log_contact_view(obj, user, shown: int) -> None:
    """Note in the audit log that ``user`` was shown ``shown`` respondents' contact data
    (of a draw or one drawn sheet); the values themselves are never logged."""
    record(user, "quality.recheck_contact_view", obj, after={"contacts_shown": shown})

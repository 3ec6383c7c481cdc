"""Re-check state changes: draw a frozen sample under the plan's rule, decide a request above
it, record outcomes (audited; the caller commits)."""

from __future__ import annotations

import secrets
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
    APPROVERS,
    DRAWERS,
    RECHECKERS,
    DrawState,
    Outcome,
    PeriodKind,
    RecheckDraw,
    RecheckItem,
    SizeMode,
)
from .rule import approved_rule
from .sampling import draw_sample, period_bounds, stratum_size

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


def agency_dossiers(survey) -> dict[int, int]:
    """Each agency's dossiers in the year (N of the survey's scope, fields summed)."""
    out: dict[int, int] = {}
    for row in survey.scope:
        out[row.agency_id] = out.get(row.agency_id, 0) + (row.dossiers or 0)
    return out


def _period(text: str) -> tuple[PeriodKind, str, tuple]:
    period = (text or "").strip().upper()
    kind = PeriodKind.QUARTER if "Q" in period else PeriodKind.MONTH
    return kind, period, period_bounds(kind.value, period)


def _size(data: dict, rule) -> tuple[SizeMode, int]:
    if data.get("size_value") in (None, ""):
        return rule.size_mode, rule.size_value
    mode, value = SizeMode(data.get("size_mode") or rule.size_mode), int(data["size_value"])
    if value <= 0 or (mode == SizeMode.PERCENT and value > 100):
        raise OperationError(_("The size must be a positive number (a percentage at most 100)."))
    return mode, value


def create_draw(survey, data: dict, user) -> RecheckDraw:
    """Draw one period {period, size_mode?, size_value?, reason?, seed?} under the plan's rule.

    The period and the share per agency come from the approved rule (``rule.py``); agencies
    whose rule period is not this one's are left out. A larger share, or a period drawn
    again, is a request that Home Affairs decides (``decide_request``); it draws nothing yet.
    The seed is random unless given (tests, the demo); either way it is recorded.
    """
    require(user, *DRAWERS)
    rule = approved_rule(survey.id)
    try:
        kind, period, (start, end) = _period(data.get("period"))
        mode, value = _size(data, rule)
        seed = int(data["seed"]) if data.get("seed") not in (None, "") \
            else secrets.randbelow(2 ** 31)
    except (TypeError, ValueError) as exc:
        raise OperationError(_("Check the period, seed and size: %(why)s", why=str(exc))
                             ) from None
    dossiers = agency_dossiers(survey)
    strata = {a: ids for a, ids in population(survey.id, start, end).items()
              if rule.period_for(dossiers.get(a, 0)) == kind}
    if not strata:
        raise OperationError(
            _("No approved sheets were received in %(p)s from the agencies the plan's rule "
              "re-checks every month.", p=period) if kind == PeriodKind.MONTH else
            _("No approved sheets were received in %(p)s from the agencies the plan's rule "
              "re-checks every quarter.", p=period))
    again = db.session.scalar(select(RecheckDraw.id).where(
        RecheckDraw.survey_id == survey.id, RecheckDraw.period == period,
        RecheckDraw.state == DrawState.DRAWN).limit(1)) is not None
    larger = any(stratum_size(len(ids), mode.value, value)
                 > stratum_size(len(ids), rule.size_mode.value, rule.size_value)
                 for ids in strata.values())
    above = again or larger
    reason = (data.get("reason") or "").strip() or None
    if above and not reason:
        raise OperationError(
            _("This period was drawn already; drawing it again goes beyond the plan's rule and "
              "needs a reason and Home Affairs' approval.") if again else
            _("A share larger than the plan's rule (%(rule)s) needs a reason and Home Affairs' "
              "approval.", rule=rule.size_text))
    draw = RecheckDraw(survey_id=survey.id, period_kind=kind, period=period, period_start=start,
                       period_end=end, seed=seed, size_mode=mode, size_value=value,
                       population=sum(len(v) for v in strata.values()), reason=reason,
                       created_by_id=getattr(user, "id", None),
                       state=DrawState.REQUESTED if above else DrawState.DRAWN)
    db.session.add(draw)
    db.session.flush()
    if above:
        record(user, "quality.recheck_request", draw, after={
            "period": period, "seed": seed, "size": f"{value} {mode.value}",
            "rule": f"{rule.size_value} {rule.size_mode.value}", "again": again,
            "population": draw.population}, reason=reason)
        return draw
    serials = _fill(draw, strata)
    record(user, "quality.recheck_draw", draw, after={
        "period": period, "seed": seed, "size": f"{value} {mode.value}",
        "population": draw.population, "drawn": len(serials), "sheets": serials},
        reason=reason)
    return draw


def _fill(draw: RecheckDraw, strata: dict) -> list[int]:
    """Draw the items of ``draw`` from ``strata`` with its seed and size; the serials."""
    sample = draw_sample(strata, draw.seed, draw.size_mode.value, draw.size_value,
                         salt=f"{draw.survey_id}:{draw.period}")
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
    db.session.expire(draw, ["items"])  # loaded (empty) before, for a request
    return sorted(s.serial for s in sheets.values())


def decide_request(draw: RecheckDraw, data: dict, user) -> RecheckDraw:
    """Home Affairs approves {decision: approve} (the sample is drawn now) or refuses (with a
    note) a draw above the plan's rule; audited."""
    require(user, *APPROVERS)
    if draw.state != DrawState.REQUESTED:
        raise OperationError(_("This draw is not waiting for a decision."))
    decision = data.get("decision")
    note = (data.get("note") or "").strip() or None
    if decision not in ("approve", "refuse"):
        raise OperationError(_("Approve or refuse the request."))
    if decision == "refuse" and not note:
        raise OperationError(_("Say why the request is refused."))
    draw.decided_by_id, draw.decided_at, draw.decision_note = (getattr(user, "id", None),
                                                               utcnow(), note)
    if decision == "refuse":
        draw.state = DrawState.REFUSED
        db.session.flush()
        record(user, "quality.recheck_request_refuse", draw, reason=note)
        return draw
    rule = approved_rule(draw.survey_id)
    dossiers = agency_dossiers(draw.survey)
    strata = {a: ids for a, ids in population(draw.survey_id, draw.period_start,
                                              draw.period_end).items()
              if rule.period_for(dossiers.get(a, 0)) == draw.period_kind}
    draw.population = sum(len(v) for v in strata.values())
    draw.state = DrawState.DRAWN
    serials = _fill(draw, strata)
    record(user, "quality.recheck_request_approve", draw, after={
        "period": draw.period, "seed": draw.seed, "size": draw.size_text,
        "population": draw.population, "drawn": len(serials), "sheets": serials}, reason=note)
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

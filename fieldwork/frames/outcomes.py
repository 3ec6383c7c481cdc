"""What happened to each drawn dossier, who said so, and the reserves that replace refusals.

An outcome is recorded by the enumerator on their assignment (or the manager), by the call
centre's result file (``import_outcomes``), or automatically when the dossier's answer
arrives (``answer_arrived``: an online or kiosk answer with its dossier code, an approved
paper sheet with it, a personalised form returned). "Not reachable" needs the plan's number
of contact attempts. A dossier refused, not reachable or ineligible may be replaced by the
next reserve of its stratum, in draw order. Every change is audited; a bad row of a result
file saves nothing.
"""

from __future__ import annotations

from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.operations import record
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..imports.tabular import TabularError, fold, open_table
from ..plans.models_fieldwork import Assignment
from ..plans.steps import plan_of
from ..timeutil import utcnow
from . import responses
from .lookup import normalise_code
from .models import FrameDossier, FrameDraw, FrameDrawItem, Outcome
from .operations import open_survey

REPLACEABLE = (Outcome.REFUSED, Outcome.NOT_REACHABLE, Outcome.INELIGIBLE)
# What a result file may write for an outcome (folded: lower case, no accents).
WORDS = {
    Outcome.ANSWERED: ("answered", "1.1", "da tra loi", "tra loi", "hoan thanh", "co"),
    Outcome.PARTIAL: ("partial", "1.2", "tra loi mot phan", "mot phan"),
    Outcome.REFUSED: ("refused", "2.11", "tu choi"),
    Outcome.NOT_REACHABLE: ("not_reachable", "not reachable", "2.20", "khong lien lac duoc",
                            "khong nghe may", "thue bao"),
    Outcome.INELIGIBLE: ("ineligible", "4.10", "khong thuoc doi tuong", "khong du dieu kien",
                         "sai so"),
}
COLUMNS = {"draw_id": ("draw id", "draw", "dot rut"), "position": ("position", "vi tri", "stt"),
           "code": ("dossier code", "ma ho so", "ho so"),
           "outcome": ("outcome", "ket qua", "ket qua goi", "ket qua lien lac"),
           "attempts": ("attempts", "so lan goi", "so lan lien lac", "lan goi")}
MAX_ERRORS = 10


def parse_outcome(text) -> Outcome | None:
    """The outcome a person or a result file wrote (code, AAPOR code or Vietnamese words)."""
    key = fold(text or "")
    for outcome, words in WORDS.items():
        if key == outcome.value or key in words:
            return outcome
    return None


def _label(item: FrameDrawItem) -> str:
    return item.dossier.code


def _stratum(item: FrameDrawItem) -> str:
    field = item.dossier.field
    return f"{item.dossier.agency.name} – {field.name}" if field else item.dossier.agency.name


def active_item(item: FrameDrawItem) -> None:
    """Refuse an item of a superseded draw, or a reserve not taken into the sample."""
    if item.draw.superseded_at is not None:
        raise OperationError(_("Draw %(id)d was superseded; record outcomes on the current "
                               "draw.", id=item.draw_id))
    if not item.in_sample:
        raise OperationError(_("Dossier %(code)s is a reserve not taken into the sample yet.",
                               code=_label(item)))


def _open(item: FrameDrawItem, user) -> None:
    """Refuse unless the survey is open, ``user`` may record at the dossier's agency, and
    the dossier is in the current draw's sample."""
    open_survey(item.draw.survey)
    if not may_record(user, item):
        raise OperationError(_("Only the manager or an enumerator assigned to %(agency)s "
                               "records what happened to its drawn dossiers.",
                               agency=item.dossier.agency.name))
    active_item(item)


def may_record(user, item: FrameDrawItem) -> bool:
    """The manager, or an enumerator assigned to the dossier's agency in this survey."""
    if isinstance(user, str):
        return True
    if user.has_role(RoleName.MANAGER):
        return True
    return user.has_role(RoleName.ENUMERATOR) and db.session.scalar(select(Assignment.id).where(
        Assignment.survey_id == item.draw.survey_id, Assignment.enumerator_id == user.id,
        Assignment.agency_id == item.agency_id).limit(1)) is not None


def _set(item: FrameDrawItem, outcome: Outcome | None, attempts: int, source: str, user,
         reason: str | None = None) -> None:
    before = {"outcome": item.outcome, "attempts": item.attempts, "source": item.outcome_source}
    item.outcome, item.attempts = outcome, attempts
    item.outcome_source, item.outcome_at = source, utcnow()
    item.outcome_by_id = getattr(user, "id", None)
    db.session.flush()
    record(user, "frames.outcome", item, before=before, after={
        "dossier": item.dossier.code, "draw": item.draw_id, "outcome": outcome,
        "attempts": attempts, "source": source}, reason=reason)


def _checked(item: FrameDrawItem, outcome: Outcome, attempts: int) -> None:
    if item.outcome_source == "answer" and outcome != item.outcome:
        raise OperationError(_("The answer of dossier %(code)s arrived; its outcome stays "
                               "“%(outcome)s”.", code=_label(item), outcome=item.outcome_label))
    replaced = db.session.scalar(select(FrameDrawItem).where(
        FrameDrawItem.replaces_id == item.id))
    if replaced is not None and outcome not in REPLACEABLE:
        raise OperationError(_("Dossier %(code)s was replaced by %(other)s; only a reason for "
                               "the replacement can be recorded.", code=_label(item),
                               other=replaced.dossier.code))
    needed = plan_of(item.draw.survey).contact_attempts or 1
    if outcome == Outcome.NOT_REACHABLE and attempts < needed:
        raise OperationError(_("Dossier %(code)s: %(n)d of the plan's %(k)d contact attempts "
                               "made; record every attempt before marking it not reachable.",
                               code=_label(item), n=attempts, k=needed))


def record_outcome(item: FrameDrawItem, data: dict, user, source: str = "enumerator"
                   ) -> FrameDrawItem:
    """Record {outcome, attempts?} of a drawn dossier (by the enumerator or the manager)."""
    _open(item, user)
    outcome = parse_outcome(data.get("outcome"))
    if outcome is None:
        raise OperationError(_("Choose what happened: answered, answered in part, refused, "
                               "not reachable or ineligible."))
    attempts = _attempts(data.get("attempts"), item.attempts)
    _checked(item, outcome, attempts)
    _set(item, outcome, attempts, source, user)
    return item


def _attempts(raw, current: int) -> int:
    if raw in (None, ""):
        return current
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = -1
    if not 0 <= value <= 50:
        raise OperationError(_("Contact attempts must be a whole number from 0 to 50."))
    return max(value, current)


def add_attempt(item: FrameDrawItem, user) -> FrameDrawItem:
    """Count one more contact attempt that reached nobody (audited)."""
    _open(item, user)
    if item.outcome is not None:
        raise OperationError(_("Dossier %(code)s already has an outcome (%(outcome)s).",
                               code=_label(item), outcome=item.outcome_label))
    before = item.attempts
    item.attempts += 1
    db.session.flush()
    record(user, "frames.attempt", item, before={"attempts": before},
           after={"dossier": item.dossier.code, "attempts": item.attempts})
    return item


def replace(item: FrameDrawItem, user) -> FrameDrawItem:
    """Take the next reserve of the dossier's stratum, in draw order, in its place."""
    _open(item, user)
    if item.outcome not in REPLACEABLE:
        raise OperationError(_("Only a dossier refused, not reachable or ineligible is "
                               "replaced; record its outcome first."))
    taken = db.session.scalar(select(FrameDrawItem).where(FrameDrawItem.replaces_id == item.id))
    if taken is not None:
        raise OperationError(_("Dossier %(code)s was already replaced by %(other)s.",
                               code=_label(item), other=taken.dossier.code))
    reserve = db.session.scalars(select(FrameDrawItem).where(
        FrameDrawItem.draw_id == item.draw_id, FrameDrawItem.agency_id == item.agency_id,
        FrameDrawItem.field_id.is_(None) if item.field_id is None
        else FrameDrawItem.field_id == item.field_id,
        FrameDrawItem.reserve.is_(True), FrameDrawItem.replaces_id.is_(None))
        .order_by(FrameDrawItem.rank).limit(1)).first()
    if reserve is None:
        raise OperationError(_("No reserve is left for %(stratum)s in draw %(id)d; nothing "
                               "was replaced.", stratum=_stratum(item), id=item.draw_id))
    reserve.replaces_id = item.id
    db.session.flush()
    record(user, "frames.replace", reserve, after={
        "draw": item.draw_id, "replaced": item.dossier.code, "outcome": item.outcome,
        "reserve": reserve.dossier.code, "rank": reserve.rank})
    return reserve


def drawn(survey, code: str | None) -> FrameDrawItem | None:
    """The current draw's item (in the sample) of the dossier ``code``, or None."""
    key = normalise_code(code)
    if not key:
        return None
    return db.session.scalars(select(FrameDrawItem).join(FrameDraw).join(
        FrameDossier, FrameDossier.id == FrameDrawItem.dossier_id).where(
        FrameDraw.survey_id == survey.id, FrameDraw.superseded_at.is_(None),
        FrameDossier.code == key).order_by(FrameDrawItem.id.desc())).first()


def answer_arrived(survey, code: str | None, actor, partial: bool = False,
                   channel: str = "") -> FrameDrawItem | None:
    """A drawn dossier's answer arrived: its outcome becomes answered (in part when the
    overall question is blank); None when the dossier was not drawn into the sample."""
    item = drawn(survey, code)
    if item is None or not item.in_sample:
        return None
    outcome = Outcome.PARTIAL if partial else Outcome.ANSWERED
    if item.outcome == Outcome.ANSWERED or (item.outcome == outcome
                                            and item.outcome_source == "answer"):
        return item
    _set(item, outcome, item.attempts, "answer", actor,
         reason=channel or None)
    return item


def record_by_code(survey, data: dict, user) -> FrameDrawItem:
    """Record an outcome for the drawn dossier whose code is typed ({code, outcome, ...})."""
    item = drawn(survey, data.get("code"))
    if item is None:
        raise OperationError(_("Dossier %(code)s was not drawn in the current draw of "
                               "%(survey)s.", code=normalise_code(data.get("code")) or "—",
                               survey=survey.code))
    return record_outcome(item, data, user)


def _columns(headers: list[str]) -> dict[str, int]:
    found = {}
    for i, h in enumerate(headers):
        key = fold(h)
        for name, words in COLUMNS.items():
            if (key == name.replace("_", " ") or key in words) and name not in found:
                found[name] = i
    return found


def import_outcomes(survey, stream: BinaryIO, name: str, user) -> dict:
    """The call centre's result file (its call list with an outcome per row, CSV or XLSX):
    rows without an outcome are skipped (not called yet); every other row is checked first,
    and one bad row saves nothing. Returns what changed."""
    from ..plans.operations import require
    require(user, RoleName.MANAGER)
    open_survey(survey)
    try:
        table = open_table(stream, name)
    except TabularError as exc:
        raise OperationError(str(exc)) from None
    cols = _columns(table.headers)
    if "outcome" not in cols or not ({"draw_id", "position"} <= set(cols) or "code" in cols):
        raise OperationError(_("The result file needs an outcome column and either the call "
                               "list's draw_id and position or the dossier code."))
    errors, planned = [], []
    for line, cells in table.rows:
        if not any(cells):
            continue
        cell = {k: (cells[i] if i < len(cells) else "").strip() for k, i in cols.items()}
        if not cell["outcome"]:
            continue  # not called yet: nothing to record
        try:
            item = _row_item(survey, cell)
            outcome = parse_outcome(cell["outcome"])
            if outcome is None:
                raise OperationError(_("unknown outcome “%(text)s”", text=cell["outcome"]))
            active_item(item)
            attempts = _attempts(cell.get("attempts"), item.attempts)
            _checked(item, outcome, attempts)
            planned.append((item, outcome, attempts))
        except OperationError as exc:
            errors.append(_("line %(n)d: %(msg)s", n=line, msg=str(exc)))
    if errors:
        shown = "; ".join(errors[:MAX_ERRORS])
        more = len(errors) - MAX_ERRORS
        raise OperationError(_("Nothing was saved: %(errors)s", errors=shown)
                             + (" " + _("(and %(n)d more)", n=more) if more > 0 else ""))
    changed = 0
    for item, outcome, attempts in planned:
        if (item.outcome, item.attempts) != (outcome, attempts):
            _set(item, outcome, attempts, "call_list", user)
            changed += 1
    record(user, "frames.import_outcomes", survey, after={
        "file": name, "rows": len(planned), "changed": changed})
    return {"rows": len(planned), "changed": changed}


def _row_item(survey, cell: dict) -> FrameDrawItem:
    if cell.get("draw_id") and cell.get("position"):
        try:
            draw_id, position = int(cell["draw_id"]), int(cell["position"])
        except ValueError:
            raise OperationError(_("draw_id and position must be whole numbers")) from None
        item = db.session.scalar(select(FrameDrawItem).join(FrameDraw).where(
            FrameDraw.survey_id == survey.id, FrameDrawItem.draw_id == draw_id,
            FrameDrawItem.position == position))
        if item is None:
            raise OperationError(_("no drawn dossier at position %(p)d of draw %(d)d of "
                                   "%(code)s", p=position, d=draw_id, code=survey.code))
        if cell.get("code") and normalise_code(cell["code"]) != item.dossier.code:
            raise OperationError(_("position %(p)d of draw %(d)d is dossier %(code)s, not "
                                   "%(other)s", p=position, d=draw_id, code=item.dossier.code,
                                   other=cell["code"]))
        return item
    item = drawn(survey, cell.get("code"))
    if item is None:
        raise OperationError(_("dossier %(code)s was not drawn in the current draw of "
                               "%(survey)s", code=cell.get("code") or "—", survey=survey.code))
    return item


def draw_rates(draw: FrameDraw) -> dict:
    """{"total": rates, "agencies": {agency id: rates}} of the cases of one draw."""
    cases = [(agency_id, outcome) for agency_id, outcome, reserve, replaces in
             db.session.execute(select(FrameDrawItem.agency_id, FrameDrawItem.outcome,
                                       FrameDrawItem.reserve, FrameDrawItem.replaces_id)
                                .where(FrameDrawItem.draw_id == draw.id))
             if not reserve or replaces is not None]
    by_agency: dict[int, list] = {}
    for agency_id, outcome in cases:
        by_agency.setdefault(agency_id, []).append(outcome)
    return {"total": responses.rates(o for _a, o in cases),
            "agencies": {a: responses.rates(o) for a, o in by_agency.items()}}


def response_rates(survey) -> dict:
    """{agency id: rates, None: the whole draw} of the survey's current draw ({} without)."""
    from .operations_draw import active_draw
    draw = active_draw(survey)
    if draw is None:
        return {}
    found = draw_rates(draw)
    out = {a: {**r, "draw": draw.id} for a, r in found["agencies"].items()}
    out[None] = {**found["total"], "draw": draw.id}
    return out

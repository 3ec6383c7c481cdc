"""Dossier counts N from the frame into the plan, and the frozen, seeded draw of respondents."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import insert, select

from ..audit.operations import record
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..plans import operations as plan_ops
from ..plans.operations import require
from ..plans.progress import requirements
from ..timeutil import utcnow
from . import draw as d
from .models import DrawMethod, FrameDossier, FrameDraw, FrameDrawItem
from .operations import counts, open_survey, scope_count

MAX_SEED = 2**31 - 1


def apply_counts(survey, user) -> list[dict]:
    """Set N of every scope row whose agency is in the frame to the frame's count.

    Goes through the plan's own ``update_scope`` (plan editable, audited there too), so the
    required sample follows under the plan's policy; rows of agencies absent from the frame
    keep their typed N. Returns the changes with the required sample before and after.
    """
    require(user, RoleName.MANAGER)
    open_survey(survey)
    frame = counts(survey)
    if not frame:
        raise OperationError(_("The frame of %(code)s is empty: import the dossier list "
                               "first.", code=survey.code))
    before = {r.scope.id: r.required for r in requirements(survey)}
    changes = []
    for row in list(survey.scope):
        n = scope_count(frame, row.agency_id, row.field_id)
        if n is None or n == row.dossiers:
            continue
        changes.append({"scope_id": row.id, "unit": row.label, "before": row.dossiers,
                        "after": n, "required_before": before.get(row.id)})
        plan_ops.update_scope(survey, {
            "scope_id": row.id, "dossiers": n, "state_bodies_only": row.state_bodies_only,
            "bodies_h1": row.bodies_h1, "bodies_h2": row.bodies_h2}, user)
    after = {r.scope.id: r.required for r in requirements(survey)}
    for c in changes:
        c["required_after"] = after.get(c["scope_id"])
    record(user, "frames.counts", survey, after={"changes": changes})
    return changes


def active_draw(survey) -> FrameDraw | None:
    """The survey's current (not superseded) draw, or None."""
    return db.session.scalar(select(FrameDraw).where(
        FrameDraw.survey_id == survey.id, FrameDraw.superseded_at.is_(None))
        .order_by(FrameDraw.id.desc()).limit(1))


def _units(survey, by_field: bool) -> list[d.Unit]:
    rows = db.session.execute(select(
        FrameDossier.id, FrameDossier.code, FrameDossier.agency_id, FrameDossier.field_id,
        FrameDossier.late, FrameDossier.returned_on).where(FrameDossier.survey_id == survey.id)
        .execution_options(yield_per=5000))
    return [d.Unit(i, code, (a, f if by_field else None), bool(late),
                   returned.isoformat() if returned else "")
            for i, code, a, f, late, returned in rows]


def targets(survey, strata: dict[tuple, int], size: int | None) -> tuple[dict, dict]:
    """({stratum: n}, {stratum: note}): ``size`` shared over all strata, else the plan's
    required sample of each scope row shared over that row's strata."""
    if size is not None:
        return d.largest_remainder(size, strata), {}
    out: dict[tuple, int] = {}
    notes: dict[tuple, str] = {}
    reqs = requirements(survey)
    own_fields = {(r.scope.agency_id, r.scope.field_id) for r in reqs if r.scope.field_id}
    for req in reqs:
        row = req.scope
        mine = {k: n for k, n in strata.items() if k[0] == row.agency_id and (
            (row.field_id is not None and k[1] == row.field_id)
            or (row.field_id is None and (k[0], k[1]) not in own_fields))}
        if row.field_id is not None and not mine:  # drawn by agency only: the agency stratum
            continue
        if req.required is None:
            for k in mine:
                notes[k] = req.error or ""
            continue
        out.update(d.largest_remainder(req.required, mine))
    for k in strata:
        if k not in out and k not in notes:
            notes[k] = _("Not in the plan's scope.")
    return out, notes


def _params(data: dict) -> dict:
    try:
        seed = int(str(data.get("seed", "")).strip())
    except ValueError:
        raise OperationError(_("The seed must be a whole number.")) from None
    if not 0 <= seed <= MAX_SEED:
        raise OperationError(_("The seed must be between 0 and %(max)d.", max=MAX_SEED))
    try:
        method = DrawMethod(data.get("method") or DrawMethod.SIMPLE.value)
    except ValueError:
        raise OperationError(_("Choose simple random or systematic sampling.")) from None
    try:
        reserve = int(data.get("reserve_percent", 20) if data.get("reserve_percent") not in
                      ("", None) else 20)
    except (TypeError, ValueError):
        reserve = -1
    if not 0 <= reserve <= 200:
        raise OperationError(_("Reserves must be between 0 and 200 percent of the sample."))
    size = data.get("size")
    if size in ("", None):
        size = None
    else:
        try:
            size = int(size)
        except (TypeError, ValueError):
            size = 0
        if size < 1:
            raise OperationError(_("The sample size must be a whole number, 1 or more."))
    return {"seed": seed, "method": method, "reserve_percent": reserve, "size": size,
            "late_first": bool(data.get("late_first")),
            "by_field": bool(data.get("by_field", True))}


def same_params(draw: FrameDraw, params: dict) -> bool:
    """True if ``draw`` was made with exactly these parameters."""
    return all(getattr(draw, k) == v for k, v in params.items())


def make_draw(survey, data: dict, user) -> FrameDraw:
    """Draw respondents: {seed, method?, late_first?, by_field?, reserve_percent?, size?,
    reason?}. A survey's draw is frozen: drawing again needs a reason and supersedes it."""
    require(user, RoleName.MANAGER)
    open_survey(survey)
    params = _params(data)
    reason = (data.get("reason") or "").strip()
    current = active_draw(survey)
    if current is not None and not reason:
        raise OperationError(_("Respondents were already drawn (draw %(id)d, seed %(seed)d); "
                               "give a reason to draw again.", id=current.id, seed=current.seed))
    units = _units(survey, params["by_field"])
    if not units:
        raise OperationError(_("The frame of %(code)s is empty: import the dossier list "
                               "first.", code=survey.code))
    strata: dict[tuple, int] = {}
    late: dict[tuple, int] = {}
    for u in units:
        strata[u.stratum] = strata.get(u.stratum, 0) + 1
        late[u.stratum] = late.get(u.stratum, 0) + u.late
    wanted, notes = targets(survey, strata, params["size"])
    if not any(wanted.values()):
        raise OperationError(_("No dossier to draw: no agency of the frame has a required "
                               "sample in the plan."))
    picked = d.draw(units, wanted, params["method"].value, params["seed"],
                    reserve_percent=params["reserve_percent"], late_first=params["late_first"])
    actor = user if not isinstance(user, str) else None
    row = FrameDraw(survey_id=survey.id, **params, population=len(units),
                    reason=reason or None, created_by_id=getattr(actor, "id", None),
                    created_by_label=getattr(actor, "email", None) or str(user))
    if current is not None:
        current.superseded_at = utcnow()
    db.session.add(row)
    db.session.flush()
    items, allocation, position = [], [], 0
    for p in picked:
        agency_id, field_id = p.stratum
        for rank, (unit, reserve) in enumerate(
                [(u, False) for u in p.sample] + [(u, True) for u in p.reserves], 1):
            position += 1
            items.append({"draw_id": row.id, "dossier_id": unit.id, "position": position,
                          "agency_id": agency_id, "field_id": field_id, "reserve": reserve,
                          "rank": rank})
        allocation.append({"agency_id": agency_id, "field_id": field_id,
                           "population": p.population, "late": p.late, "target": p.target,
                           "drawn": len(p.sample), "late_drawn": sum(u.late for u in p.sample),
                           "reserves": len(p.reserves), "note": ""})
    for k, note in sorted(notes.items(), key=lambda kv: d._sort_key(kv[0])):
        allocation.append({"agency_id": k[0], "field_id": k[1], "population": strata[k],
                           "late": late[k], "target": 0, "drawn": 0, "late_drawn": 0,
                           "reserves": 0, "note": note})
    if items:
        db.session.execute(insert(FrameDrawItem), items)
    row.allocation = allocation
    row.drawn = sum(a["drawn"] for a in allocation)
    row.reserves = sum(a["reserves"] for a in allocation)
    db.session.flush()
    record(user, "frames.redraw" if current is not None else "frames.draw", row,
           before={"draw": current.id, "seed": current.seed} if current is not None else None,
           after={"survey": survey.code, **{k: v for k, v in params.items()},
                  "population": row.population, "drawn": row.drawn, "reserves": row.reserves},
           reason=reason or None)
    return row

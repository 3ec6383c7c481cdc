"""Required samples per scope row (step 1) and fieldwork progress against them (steps 3-4)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from . import sampling
from .models_fieldwork import Assignment
from .sampling_text import error_message, explain
from .steps import plan_of


@dataclass
class Requirement:
    """One scope row with its share of the agency's required sample, or why there is none.

    ``result`` is the policy's computation on the agency's yearly N (all its rows but those
    under the half-year rule, which each have their own); ``required`` is this row's share.
    """

    scope: object
    result: sampling.SampleSize | None
    error: str | None
    share: int | None = None
    unit: sampling.UnitSample | None = None
    raised: bool = False

    @property
    def required(self) -> int | None:
        """Whole forms required of this row, or None."""
        return self.share if self.result else None

    @property
    def text(self) -> dict[str, str]:
        """Formula, rule and allocation in the user's language."""
        if not self.result:
            return {"formula": "", "rule": "", "allocation": ""}
        return explain(self.result, self.unit, self.scope.id if self.unit else None,
                       required=None if self.unit else self.share)


def requirements(survey) -> list[Requirement]:
    """The required sample of every scope row: the plan's policy on each agency's yearly N,
    shared over its rows (fields) by the largest remainder, at least 1 where N >= 1."""
    plan = plan_of(survey)
    units: dict[int, list] = {}
    out: dict[int, Requirement] = {}
    for row in survey.scope:
        if not row.state_bodies_only:
            units.setdefault(row.agency_id, []).append(row)
            continue
        try:
            result = sampling.for_scope(plan.sample_policy, str(plan.rounding), row.dossiers,
                                        True, row.bodies_h1, row.bodies_h2)
            share = sampling.at_least_one(result.required, row.dossiers)
            out[row.id] = Requirement(row, result, None, share, raised=share != result.required)
        except sampling.SampleSizeError as exc:
            out[row.id] = Requirement(row, None, error_message(exc))
    for rows in units.values():
        try:
            unit = sampling.for_unit(plan.sample_policy, str(plan.rounding),
                                     {r.id: r.dossiers for r in rows})
        except sampling.SampleSizeError as exc:
            for r in rows:
                out[r.id] = Requirement(r, None, error_message(exc))
            continue
        for r in rows:
            out[r.id] = Requirement(r, unit.result, None, unit.shares[r.id], unit,
                                    r.id in unit.raised)
    return [out[row.id] for row in survey.scope]


@dataclass
class AgencyProgress:
    """Quota, collected and verified forms of one agency against its required sample."""

    agency: object
    scope_rows: list
    required: int | None
    quota: int
    completed: int
    verified: int

    @property
    def met(self) -> bool:
        """Verified forms reach the requirement."""
        return self.required is not None and self.verified >= self.required

    @property
    def explained(self) -> bool:
        """A shortfall note exists on every scope row of the agency."""
        return all((r.shortfall_note or "").strip() for r in self.scope_rows)

    @property
    def share(self) -> float | None:
        """Verified over required (for the progress bar), capped at 1."""
        if not self.required:
            return None
        return min(self.verified / self.required, 1.0)


def progress(survey) -> tuple[list[AgencyProgress], dict]:
    """Per-agency progress in scope order, and the overall totals."""
    reqs = requirements(survey)
    assignments = db.session.scalars(select(Assignment).where(
        Assignment.survey_id == survey.id)).all()
    rows: dict[int, AgencyProgress] = {}
    for r in reqs:
        ap = rows.get(r.scope.agency_id)
        if ap is None:
            ap = rows[r.scope.agency_id] = AgencyProgress(r.scope.agency, [], 0, 0, 0, 0)
        ap.scope_rows.append(r.scope)
        if r.required is None or ap.required is None:
            ap.required = None
        else:
            ap.required += r.required
    for a in assignments:
        ap = rows.get(a.agency_id)
        if ap is None:  # assignments only go to agencies in scope, but stay robust
            continue
        ap.quota += a.quota
        ap.completed += a.completed
        ap.verified += a.verified
    items = list(rows.values())
    total = {
        "required": sum(a.required or 0 for a in items),
        "quota": sum(a.quota for a in items),
        "completed": sum(a.completed for a in items),
        "verified": sum(a.verified for a in items),
    }
    return items, total

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
    """One scope row with its required sample, or the reason it cannot be computed."""

    scope: object
    result: sampling.SampleSize | None
    error: str | None

    @property
    def required(self) -> int | None:
        """Whole forms required, or None."""
        return self.result.required if self.result else None

    @property
    def text(self) -> dict[str, str]:
        """Formula and rule in the user's language."""
        return explain(self.result) if self.result else {"formula": "", "rule": ""}


def requirements(survey) -> list[Requirement]:
    """The required sample of every scope row under the plan's policy and rounding."""
    plan = plan_of(survey)
    out = []
    for row in survey.scope:
        try:
            result = sampling.for_scope(plan.sample_policy, str(plan.rounding), row.dossiers,
                                        row.state_bodies_only, row.bodies_h1, row.bodies_h2)
            out.append(Requirement(row, result, None))
        except sampling.SampleSizeError as exc:
            out.append(Requirement(row, None, error_message(exc)))
    return out


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

"""Required samples per scope row (step 1) and fieldwork progress against them (steps 3-4).

Progress is measured, not typed: the sheets in the system are counted by what the entry
package registered (``sheet_counts``), the serials printed and handed out come from the
questionnaire package and the serial ranges; a person types only the completed forms handed
back on paper, which count as "returned, not in the system yet" until they are scanned or
keyed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from . import forms_link, registry, sampling
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


COUNTS = ("printed", "handed_out", "returned", "returned_typed", "in_system", "scanned",
          "keyed", "both", "scan_pending", "conflicts", "verified", "approved", "rejected")


@dataclass
class FieldProgress:
    """One scope row of an agency (a field, or its other fields): share and approved sheets."""

    scope: object
    required: int | None
    approved: int = 0

    @property
    def met(self) -> bool:
        """Approved sheets reach the row's share."""
        return self.required is not None and self.approved >= self.required


@dataclass
class AgencyProgress:
    """An agency's sheets through the chain, measured from the system, against its sample.

    ``printed`` .. ``approved`` are counts of sheets (``COUNTS``); only ``returned_typed``
    comes from a person: completed forms handed back on paper and not in the system yet.
    """

    agency: object
    scope_rows: list
    required: int | None
    quota: int = 0
    counts: Counter = field(default_factory=Counter)
    fields: list[FieldProgress] = field(default_factory=list)
    responses: dict | None = None

    def __getattr__(self, name: str):
        if name in COUNTS:
            return self.counts[name]
        raise AttributeError(name)

    @property
    def met(self) -> bool:
        """Approved independent sheets reach the requirement."""
        return self.required is not None and self.counts["approved"] >= self.required

    @property
    def shortfall(self) -> int | None:
        """Approved sheets still missing (0 when met), None without a requirement."""
        return None if self.required is None else max(0, self.required - self.approved)

    @property
    def explained(self) -> bool:
        """A shortfall note exists on every scope row of the agency."""
        return all((r.shortfall_note or "").strip() for r in self.scope_rows)

    @property
    def share(self) -> float | None:
        """Approved over required (for the progress bar), capped at 1."""
        if not self.required:
            return None
        return min(self.approved / self.required, 1.0)


def _minus(first: int, last: int, taken: list[tuple[int, int]]) -> int:
    """How many serials of ``first..last`` lie outside the sorted, disjoint ``taken`` spans."""
    size = last - first + 1
    for a, b in taken:
        lo, hi = max(a, first), min(b, last)
        if lo <= hi:
            size -= hi - lo + 1
    return size


def sheets_out(ranges: list[tuple[int, int, int]],
               batches: list[tuple[int, int, int | None, int | None]]) -> dict:
    """{agency id or None: Counter(printed, handed_out)} from the serial ranges handed out
    (first, last, agency) and the live printed batches (first, last, agency, enumerator):
    a serial belongs to its range, else to its batch's agency (handed out when the batch
    went to an enumerator), as when a sheet is keyed or scanned."""
    out: dict = {}
    spans = sorted((a, b) for a, b, _ in ranges)
    for a, b, agency in ranges:
        c = out.setdefault(agency, Counter())
        c["printed"] += b - a + 1
        c["handed_out"] += b - a + 1
    for a, b, agency, user in batches:
        rest = _minus(a, b, spans)
        if rest:
            c = out.setdefault(agency, Counter())
            c["printed"] += rest
            c["handed_out"] += rest if user is not None else 0
    return out


def _field_rows(ap: AgencyProgress, reqs: list[Requirement], units: dict) -> None:
    """Each scope row of an agency with the approved sheets of its field (a row without a
    field takes the fields no other row of the agency names)."""
    named = {r.scope.field_id for r in reqs if r.scope.field_id is not None}
    mine = {f: c["approved"] for (a, f), c in units.items() if a == ap.agency.id}
    for r in reqs:
        if r.scope.field_id is not None:
            approved = mine.get(r.scope.field_id, 0)
        else:
            approved = sum(n for f, n in mine.items() if f not in named)
        ap.fields.append(FieldProgress(r.scope, r.required, approved))


def progress(survey) -> tuple[list[AgencyProgress], dict]:
    """Per-agency progress in scope order and the overall totals, measured from the sheets
    in the system (the ``sheet_counts`` a feature registered), the serials printed and
    handed out, and the returns typed for paper not yet in the system; the one source of
    these figures for steps 3 and 4, the dashboard and the report."""
    reqs = requirements(survey)
    rows: dict[int, AgencyProgress] = {}
    by_agency: dict[int, list[Requirement]] = {}
    for r in reqs:
        ap = rows.get(r.scope.agency_id)
        if ap is None:
            ap = rows[r.scope.agency_id] = AgencyProgress(r.scope.agency, [], 0)
        ap.scope_rows.append(r.scope)
        by_agency.setdefault(r.scope.agency_id, []).append(r)
        ap.required = None if r.required is None or ap.required is None else (
            ap.required + r.required)
    counter = registry.service("sheet_counts")
    measured = counter(survey) if counter else {"units": {}, "ranges": {}}
    units, per_range = measured["units"], measured["ranges"]
    assignments = db.session.scalars(select(Assignment).where(
        Assignment.survey_id == survey.id)).all()
    ranges = [(g, a) for a in assignments for g in a.ranges]
    forms = forms_link.api()
    batches = forms.live_batches(survey) if forms and hasattr(forms, "live_batches") else []
    out = sheets_out([(g.first_serial, g.last_serial, a.agency_id) for g, a in ranges],
                     batches)
    unattributed = Counter(out.pop(None, Counter()))
    for agency_id, c in out.items():
        if agency_id in rows:
            rows[agency_id].counts.update(c)
    for (agency_id, _f), c in units.items():
        if agency_id in rows:
            rows[agency_id].counts.update({k: c[k] for k in c if k != "scan_pending"})
    for g, a in ranges:
        ap = rows.get(a.agency_id)
        c = per_range.get(g.id, Counter())
        if ap is None:
            continue
        ap.counts["scan_pending"] += c["scan_pending"]
        if g.completed is not None:  # paper handed back, not (all) in the system yet
            ap.counts["returned_typed"] += max(0, g.completed - c["in_system"])
    for a in assignments:
        if a.agency_id in rows:
            rows[a.agency_id].quota += a.quota
    rates = registry.service("response_rates")
    found = rates(survey) if rates else {}
    for agency_id, ap in rows.items():
        ap.counts["returned"] = ap.counts["in_system"] + ap.counts["returned_typed"]
        _field_rows(ap, by_agency[agency_id], units)
        ap.responses = found.get(agency_id)
    items = list(rows.values())
    total = {k: sum(a.counts[k] for a in items) for k in COUNTS}
    total.update(required=sum(a.required or 0 for a in items),
                 quota=sum(a.quota for a in items),
                 unattributed_printed=unattributed["printed"],
                 outside_scope=sum(c["in_system"] for (ag, _f), c in units.items()
                                   if ag not in rows),
                 responses=found.get(None), ranges=per_range)
    return items, total

"""``survey_statistics``: the figures of a survey for one view, what the CLI, the dashboard,
the reports and the public page show.

The headline is the independent survey (``overall``, ``agencies``, ...); every other source
is summarised the same way under ``sources``; ``--source NAME`` or ``--combined`` choose
another headline. A combined view pools the sources and says so (``view.method``).
Results are cached per survey, revision and filter (``cache.SUMMARIES``).
"""

from __future__ import annotations

from collections import defaultdict

from . import sources as src
from .cache import SUMMARIES
from .dataset import Dataset, dataset, snapshot_id
from .filters import Filter
from .summary import summarise

COMBINED_METHOD = ("pooled: every answer of the sources {names} counted as one sample; each "
                   "dossier counted once within its source, a dossier answered in several "
                   "sources counted in each; the interval treats the pool as one simple "
                   "random sample, which the sources are not, so it is indicative only")
COMBINED_METHOD_VI = ("gộp chung: mọi câu trả lời của các nguồn {names} được cộng lại như một "
                      "mẫu; mỗi hồ sơ được đếm một lần trong mỗi nguồn, hồ sơ trả lời ở nhiều "
                      "nguồn được tính ở mỗi nguồn; khoảng tin cậy tính như một mẫu ngẫu nhiên "
                      "đơn giản (các nguồn không phải vậy) nên chỉ để tham khảo")


def populations(survey, flt: Filter | None = None) -> tuple[int | None, dict, dict]:
    """N of the view, N per agency name, and the plan's required sample per agency name,
    restricted to the filter's agency or field."""
    from ..plans.progress import requirements
    flt = flt or Filter()

    def wanted(scope) -> bool:
        return ((flt.agency is None or scope.agency.name == flt.agency)
                and (flt.field is None or (scope.field is not None
                                           and scope.field.name == flt.field)))

    per_agency: dict = defaultdict(int)
    for s in survey.scope:
        if wanted(s):
            per_agency[s.agency.name] += s.dossiers
    required: dict = defaultdict(int)
    for req in requirements(survey):
        if req.required is not None and wanted(req.scope):
            required[req.scope.agency.name] += req.required
    total = sum(per_agency.values()) or None
    return total, {k: v for k, v in per_agency.items() if v}, dict(required)


def approved_sheets(survey, flt: Filter | None = None) -> dict | None:
    """Approved sheets per agency name as the fieldwork progress counts them
    (``plans.progress.progress``): the one count behind "below the required sample" in
    steps 3-4, the statistics, the reports and the public page. None for a view the
    progress does not measure (another source, the combined view, channels or dates)."""
    from ..plans.progress import progress
    flt = flt or Filter()
    if flt.view != src.INDEPENDENT or flt.channels or flt.date_from or flt.date_to:
        return None
    out: dict = {}
    for ap in progress(survey)[0]:
        name = ap.agency.name
        if flt.agency is not None and name != flt.agency:
            continue
        if flt.field is None:
            out[name] = ap.approved
        else:
            out[name] = sum(f.approved for f in ap.fields if f.scope.field is not None
                            and f.scope.field.name == flt.field)
    return out


def planned_margins(survey) -> dict:
    """The plan's margin of error per agency name, where the sample policy sets one (Slovin
    policies); an agency with several scope rows gets the largest of their margins."""
    from ..plans.progress import requirements
    out: dict = {}
    for req in requirements(survey):
        margin = req.result.params.get("margin") if req.result else None
        if margin is not None:
            name = req.scope.agency.name
            out[name] = max(out.get(name, 0.0), float(margin))
    return out


def with_planned_margins(stats: dict, margins: dict) -> dict:
    """Put each agency's planned margin beside the margin achieved (``margin_planned``)."""
    for a in stats["agencies"]:
        if a["agency"] in margins:
            a["margin_planned"] = margins[a["agency"]]
    return stats


def plan_bands(survey) -> dict | None:
    """The plan's bands for marking agencies, with whose rule they are; None when the plan
    sets none (the default: Decision 2223 names no thresholds)."""
    from sqlalchemy import select

    from ..extensions import db
    from ..plans.models_workflow import Plan
    plan = db.session.scalar(select(Plan).where(Plan.survey_id == survey.id))
    values = sorted(float(v) for v in (getattr(plan, "bands", None) or []))
    if not values:
        return None
    return {"values": values, "source": plan.bands_source or ""}


def _view(data: Dataset, declared: dict) -> dict:
    flt = data.filter
    names = ", ".join(src.label(s, declared) for s in data.view_sources)
    names_vi = ", ".join(src.label(s, declared, vietnamese=True) for s in data.view_sources)
    return {"source": None if flt.combined else flt.view, "combined": flt.combined,
            "label": "combined" if flt.combined else src.label(flt.view, declared),
            "sources": data.view_sources,
            "method": COMBINED_METHOD.format(names=names) if flt.combined else None,
            "method_vi": COMBINED_METHOD_VI.format(names=names_vi) if flt.combined else None,
            "filter": flt.to_dict()}


def _one(rows, name: str | None, data: Dataset, basis: tuple, bands: dict | None,
         margins: dict, collected: dict | None = None) -> dict:
    total, per_agency, required = basis
    out = summarise(rows, total, per_agency, required, data.meta["reason_codes"],
                    (bands or {}).get("values", ()), data.meta["layout"], collected)
    if name in (src.INDEPENDENT, None):
        with_planned_margins(out, margins)
    out["snapshot"] = snapshot_id(rows)
    out["channels_used"] = sorted({r["channel"] for r in rows})
    out["source"] = name
    out["source_label"] = src.label(name, data.declared) if name else "combined"
    out["source_label_vi"] = src.label(name, data.declared, vietnamese=True) if name \
        else "Kết quả gộp các nguồn"
    return out


def compute(survey, flt: Filter, revision: int | None = None) -> dict:
    """The statistics of one view, uncached (see ``survey_statistics``)."""
    from .read import no_gc_pauses
    with no_gc_pauses():  # many small dicts beside the survey's rows, no cycles among them
        return _compute(survey, flt, revision)


def _compute(survey, flt: Filter, revision: int | None) -> dict:
    data = dataset(survey, flt, revision)
    basis = populations(survey, flt)
    bands = plan_bands(survey)
    margins = planned_margins(survey)
    out = _one(data.rows, None if flt.combined else flt.view, data, basis, bands, margins,
               approved_sheets(survey, flt))
    out["view"] = _view(data, data.declared)
    out["bands"] = bands
    out["sources"] = {name: _one(rows, name, data, basis, bands, margins)
                      for name, rows in data.others.items()}
    out["duplicates"] = {"count": len(data.duplicates), "rows": data.duplicates}
    out["overlaps"] = {"count": len(data.overlaps), "rows": data.overlaps}
    out["survey"] = survey.code
    out["revision"] = data.revision
    return out


def survey_statistics(survey, flt: Filter | None = None) -> dict:
    """Statistics of the survey's dataset under ``flt`` (default: the independent survey),
    with its snapshot id, cached under the survey's data revision."""
    from ..extensions import db
    from .revision import current, uncommitted
    flt = flt or Filter()
    if uncommitted(db.session, survey.id):  # this transaction's own changes: never cached
        return SUMMARIES.fresh(compute(survey, flt, None))
    revision = current(survey.id)  # first: the rows read next are never older than this
    return SUMMARIES.remember(_key("statistics", survey, revision, flt),
                              lambda: compute(survey, flt, revision))


def _key(kind: str, survey, revision: int, flt: Filter, *more) -> tuple:
    return (kind, survey.id, survey.code, str(survey.created_at), revision, flt.key(), *more)


def derived(survey, flt: Filter, what: tuple, make):
    """``make(statistics)`` of the view (a chart's PNG with its ETag: an immutable value),
    cached beside the statistics under the same data revision, so a repeat view neither
    reads rows nor draws; ``what`` names the derived value within the view."""
    from ..extensions import db
    from .revision import current, uncommitted
    if uncommitted(db.session, survey.id):
        return make(survey_statistics(survey, flt))
    revision = current(survey.id)
    return SUMMARIES.remember_raw(_key("derived", survey, revision, flt, *what),
                                  lambda: make(survey_statistics(survey, flt)))

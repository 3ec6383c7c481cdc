"""What the public page shows of a published survey: its statistics, chart and report files.

Only surveys with a ``Publication`` are ever loaded here. Their figures come from the frozen
statistics of the published report draft when there is one, else from the survey's dataset,
cached under the survey's data revision like every summary.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import select

from ..directory.matching import fold
from ..extensions import db
from ..plans.models import Survey
from ..plans.models_review import Publication
from ..plans.operations import CODE_RE
from .content import CHART_AGENCIES, agency_chart_rows  # the report's own bars

_CACHE_SIZE = 32
_lock = threading.Lock()
_stats_cache: OrderedDict = OrderedDict()
_chart_cache: OrderedDict = OrderedDict()


def _remember(cache: OrderedDict, key, make):
    """``cache[key]``, made by ``make()`` on a miss; the oldest entries are dropped."""
    with _lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    value = make()
    with _lock:
        cache[key] = value
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    return value


def publications() -> list[Publication]:
    """Every publication, newest year first, then by survey code."""
    return list(db.session.scalars(select(Publication).join(Survey).order_by(
        Survey.year.desc(), Survey.code)))


def publication(code: str) -> Publication | None:
    """The publication of the survey ``code`` (codes are capitals), or None if unpublished
    or not a survey code at all (checked first: PostgreSQL refuses some bytes, e.g. NUL)."""
    code = code.upper()
    if not CODE_RE.fullmatch(code):
        return None
    return db.session.scalar(select(Publication).join(Survey).where(Survey.code == code))


def published_draft(survey):
    """The report draft version step 6 published, or None (publication from an upload)."""
    from .drafts import published_draft as find
    return find(survey)


def public_statistics(pub: Publication, draft=None) -> dict:
    """The statistics the public page shows for a publication (same shape as
    ``survey_statistics``): the published draft's frozen figures, else the closed survey's."""
    if draft is not None:
        return draft.statistics
    from ..stats.revision import current
    from ..stats.statistics import survey_statistics

    # Keyed by the publication (a survey re-published gets a new row or timestamp) and by the
    # survey's data revision: an answer approved or imported after publication shows.
    key = (pub.id, pub.survey_id, pub.attachment_id, pub.published_at.isoformat(),
           current(pub.survey_id))
    return _remember(_stats_cache, key, lambda: survey_statistics(pub.survey))


def report_files(pub: Publication, draft=None) -> list[tuple[str, object]]:
    """(role, attachment) a citizen may download: "final" (the publication's report), then
    the PDF of the published synthesis draft; each attachment once. The draft's editable
    DOCX stays with the contractor: the public gets fixed documents only."""
    files = [("final", pub.attachment)]
    if draft is not None:
        files += [("pdf", draft.pdf)] if draft.pdf is not None else []
    seen, out = set(), []
    for role, att in files:
        if att.id not in seen:
            seen.add(att.id)
            out.append((role, att))
    return out


def plan_bands(stats: dict) -> dict | None:
    """The plan's bands for marking agencies, with whose rule they are; None when the plan
    set none (the default: Decision 2223 names no thresholds)."""
    bands = stats.get("bands")
    return bands if bands and bands.get("values") else None


def thresholds(stats: dict) -> tuple[float, ...]:
    """The plan's thresholds (rates 0-1) for the chart and the table's bars; () without."""
    bands = plan_bands(stats)
    return tuple(bands["values"]) if bands else ()


def sources_beside(stats: dict) -> list[dict]:
    """The headline (the independent survey) and every other source with answers, each
    with its own n, rate and interval, and the channels inside it; never pooled."""
    from ..stats import sources as src

    def entry(name, part) -> dict:
        o = part["overall"]
        channels = [{"label": src.CHANNEL_LABELS_VI.get(c["group"], c["group"]), "n": c["n"],
                     "rate": c["rate"], "ci95": c["ci95"]}
                    for c in part.get("channels", []) if c["n"]] if name != stats.get(
                        "source") else []
        return {"source": name, "label": part.get("source_label_vi") or name, "n": o["n"],
                "rate": o["rate"], "ci95": o["ci95"],
                "channels": channels if len(channels) > 1 else []}
    others = [entry(name, part) for name, part in (stats.get("sources") or {}).items()
              if part["overall"]["n"]]
    if not others:
        return []
    return [entry(stats.get("source") or src.INDEPENDENT, stats), *others]


def chart_rows(stats: dict) -> tuple[list[tuple[str, float]], bool]:
    """(agency, rate) bars of the chart and whether they are only the lowest ones: the
    report's own bars (``content.agency_chart_rows``): the agencies that met their required
    sample (a bar chart in rate order is a ranking), or all while none has."""
    rows, caption = agency_chart_rows(stats)
    return rows, f"({CHART_AGENCIES} cơ quan, đơn vị có tỷ lệ thấp nhất)" in caption


def chart_png(stats: dict) -> bytes | None:
    """The agencies' rates as a PNG (cached by snapshot), or None without rated agencies."""
    rows, _ = chart_rows(stats)
    if not rows:
        return None
    from .charts import agency_rates_chart

    lines = thresholds(stats)
    key = (stats.get("snapshot"), tuple(rows), lines)
    return _remember(_chart_cache, key, lambda: agency_rates_chart(rows, thresholds=lines))


def find_agencies(agencies: list[dict], query: str) -> list[dict]:
    """The agencies whose name contains every word of ``query`` (no diacritics needed)."""
    words = fold(query).split()
    if not words:
        return list(agencies)
    return [a for a in agencies if all(w in fold(a.get("agency") or "") for w in words)]

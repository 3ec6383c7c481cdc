"""The statistics page's charts: the report's own chart functions over the same dict.

Pure: the statistics dict of ``survey_statistics`` (and reason wording) in, PNG bytes out,
so the page, the report and the tests all draw from one set of numbers.
"""

from __future__ import annotations

from . import charts
from .breakdowns import period_label
from .content import agency_chart_rows

CHARTS = ("agencies", "reasons", "aspects", "periods")
MONTHS_SHOWN = 24  # beyond two years of months the chart goes by quarter


def period_rows(stats: dict) -> list[dict]:
    """The periods the period chart shows: months, or quarters past ``MONTHS_SHOWN``."""
    p = stats.get("periods") or {}
    months = p.get("month") or []
    return months if len(months) <= MONTHS_SHOWN else p.get("quarter") or []


def available(stats: dict) -> list[str]:
    """The charts this statistics dict has data for, in page order."""
    found = {
        "agencies": bool(agency_chart_rows(stats)[0]) if stats.get("agencies") else False,
        "reasons": any(r["count"] for r in stats.get("reasons", [])),
        "aspects": any(a["index"] is not None for a in stats.get("aspects", [])),
        "periods": len(period_rows(stats)) > 1,
    }
    return [name for name in CHARTS if found[name]]


def chart_png(stats: dict, name: str, reason_labels: dict | None = None) -> bytes | None:
    """The chart ``name`` (one of ``CHARTS``) as PNG bytes; None when it has no data."""
    if name not in CHARTS:
        raise ValueError(f"unknown chart {name!r}; choose one of {', '.join(CHARTS)}")
    if name not in available(stats):
        return None
    if name == "agencies":
        return charts.agency_rates_chart(agency_chart_rows(stats)[0], thresholds=(
            stats.get("bands") or {}).get("values", ()))
    if name == "reasons":
        labels = reason_labels or {}
        return charts.reason_chart([(labels.get(r["code"], r["code"]), r["count"])
                                    for r in stats["reasons"]])
    if name == "aspects":
        return charts.aspect_chart([(a["title"], a["index"]) for a in stats["aspects"]])
    return charts.period_chart([(period_label(g["group"], True), g["rate"], g["n"])
                                for g in period_rows(stats)])

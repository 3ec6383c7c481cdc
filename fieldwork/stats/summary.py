"""The figures of a set of rows: overall rate, agencies (rank ranges, sample adequacy, the
plan's bands), reasons, fields, channels, sources and the details. Pure.
"""

from __future__ import annotations

from collections import Counter

from .breakdowns import comments_by_agency, period_rates, procedure_rates
from .compare import (
    RANK_ALPHA,
    RANK_METHOD,
    achieved_margin,
    band_below,
    rank_ranges,
    rank_text,
    sample_adequacy,
)
from .criteria import aspect_indices, criteria, group_rates, profile, sipas_index
from .proportions import flags, rate_entry, rate_of_counts, satisfaction_rate
from .rows import column
from .scales import reason_frequencies

# Where an agency stands in the ranking (shown apart unless "ranked").
RANKED, INSUFFICIENT, NO_ANSWERS, NO_AGENCY = "ranked", "insufficient", "no_answers", \
    "no_agency"


def rates(rows, key: str, populations: dict | None = None, marks: list | None = None) -> dict:
    """``satisfaction_rate`` of the satisfied flag per distinct ``key`` value, in row order
    (``marks``: the rows' flags when the caller has them already)."""
    return rates_of_pairs(zip(column(rows, key), flags(rows) if marks is None else marks,
                              strict=True), populations)


def rates_of_pairs(pairs, populations: dict | None = None) -> dict:
    """``satisfaction_rate`` per group from (group, flag) pairs, groups in first-seen order
    (counted in one pass in C)."""
    counts = Counter(pairs)
    groups: dict = {}
    for (g, flag), k in counts.items():
        groups.setdefault(g, Counter())[flag] = k
    populations = populations or {}
    return {g: rate_of_counts(c, population=populations.get(g)) for g, c in groups.items()}


def _plain(by: dict) -> list[dict]:
    return [rate_entry(g, r) for g, r in by.items()]


def agencies(rows, agency_populations: dict | None = None, required: dict | None = None,
             bands=(), marks: list | None = None, collected: dict | None = None
             ) -> tuple[list[dict], dict]:
    """Every agency with its rate, interval, adequacy and place; and the ranking's summary.

    Agencies that met their required sample are ranked by rank ranges (``rank_ranges``);
    those below it ("chưa đủ mẫu"), those without answers and answers without an agency are
    listed after them, unranked. ``collected`` {agency: forms} is what counts against the
    required sample (the fieldwork progress's approved sheets); without it, each agency's n.
    ``below`` marks the plan's band an agency falls under (only when the plan set bands).
    """
    populations = agency_populations or {}
    required = required or {}
    got = collected or {}
    by_agency = rates(rows, "agency", populations, marks)
    entries = {}
    for name, r in by_agency.items():
        e = {"agency": name, "n": r.n, "satisfied": r.satisfied, "rate": r.rate,
             "ci95": list(r.ci95) if r.ci95 else None, "rank": None, "rank_min": None,
             "rank_max": None, "below": band_below(r.rate, bands)}
        pop = populations.get(name)
        if r.n and (pop is None or pop >= r.n):
            e["margin_achieved"] = achieved_margin(r.n, pop)
        forms = got.get(name, r.n)
        if name in required:
            e["adequacy"] = sample_adequacy(forms, required[name])
        if name is None:
            e["status"] = NO_AGENCY
        elif r.rate is None:
            e["status"] = NO_ANSWERS
        elif name in required and forms < required[name]:
            e["status"] = INSUFFICIENT
        else:
            e["status"] = RANKED
        entries[name] = e
    ranked = rank_ranges([(n, e["satisfied"], e["n"]) for n, e in entries.items()
                          if e["status"] == RANKED])
    for r in ranked:
        e = entries[r["name"]]
        e.update(rank=rank_text(r["rank_min"], r["rank_max"]), rank_min=r["rank_min"],
                 rank_max=r["rank_max"], position=r["position"])
    out = [entries[r["name"]] for r in ranked]
    rest = [e for e in entries.values() if e["status"] != RANKED]
    order = {INSUFFICIENT: 0, NO_ANSWERS: 1, NO_AGENCY: 2}
    out += sorted(rest, key=lambda e: (order[e["status"]], -(e["rate"] or 0),
                                       str(e["agency"])))
    # Agencies in scope without any answer yet still show their shortfall.
    out += [{"agency": a, "n": 0, "satisfied": 0, "rate": None, "ci95": None, "rank": None,
             "rank_min": None, "rank_max": None, "below": None, "status": NO_ANSWERS,
             "adequacy": sample_adequacy(got.get(a, 0), k)}
            for a, k in sorted(required.items()) if a not in by_agency]
    summary = {"method": RANK_METHOD, "alpha": RANK_ALPHA, "ranked": len(ranked),
               "insufficient": sum(e["status"] == INSUFFICIENT for e in out),
               "below_sample": sum(not e["adequacy"]["met"] for e in out if "adequacy" in e),
               "pairs": len(ranked) * (len(ranked) - 1) // 2}
    return out, summary


def summarise(rows, population: int | None = None, agency_populations: dict | None = None,
              required: dict | None = None, reason_codes=None, bands=(),
              layout: dict | None = None, collected: dict | None = None) -> dict:
    """Overall rate, agencies (rank ranges), reasons, fields, channels, sources and adequacy
    of a set of rows; with the questionnaire ``layout`` (``criteria.layout``) also the
    5-level criteria and aspect indices, the respondent profile and groups; periods,
    procedures and comments. ``bands`` are the plan's thresholds (none by default);
    ``collected`` the forms that count against each agency's required sample (``agencies``).

    Parts a dataset has nothing for are empty (lists, dicts) or None, never missing.
    """
    rows = list(rows)
    marks = flags(rows)
    overall = satisfaction_rate(marks, population=population)
    listed, ranking = agencies(rows, agency_populations, required, bands, marks, collected)
    reasons = reason_frequencies(column(rows, "reasons"), reason_codes)
    out = {"overall": {"n": overall.n, "satisfied": overall.satisfied, "rate": overall.rate,
                       "ci95": list(overall.ci95) if overall.ci95 else None,
                       "blank": overall.blank, "sheets": len(rows)},
           "agencies": listed, "ranking": ranking,
           "reasons": [{"code": c, "count": k} for c, k in reasons],
           "fields": _plain(rates(rows, "field", marks=marks)),
           "channels": _plain(rates(rows, "channel", marks=marks)),
           "by_source": _plain(rates(rows, "source", marks=marks))}
    if overall.n and (population is None or population >= overall.n):
        out["overall"]["margin_achieved"] = achieved_margin(overall.n, population)
    out.update(details(rows, layout, marks))
    return out


def details(rows, layout: dict | None = None, marks: list | None = None) -> dict:
    """Criteria, aspects (with the SIPAS index), profile, groups, periods, procedures and
    comments of the rows (the part of ``summarise`` beyond rates, reasons and ranking)."""
    layout = layout or {}
    results = criteria(rows, layout.get("items", []))
    aspects = aspect_indices(results, layout.get("aspects", []))
    group = next((p for p in layout.get("profile", []) if p["code"] == layout.get("group")),
                 None)
    return {"criteria": results, "aspects": aspects, "sipas_index": sipas_index(aspects),
            "profile": profile(rows, layout.get("profile", [])),
            "groups": group_rates(rows, group), "periods": period_rates(rows, marks),
            "procedures": procedure_rates(rows, marks=marks),
            "comments": comments_by_agency(rows)}

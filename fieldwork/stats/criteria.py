"""Five-level criteria, SIPAS aspect indices, the respondent profile and respondent groups.

``layout`` reads a questionnaire once (which items are 5-level, which section each sits in,
which items describe the respondent); the other functions are pure summaries of dataset
rows, whose ``items`` and ``profile`` dicts hold the answer codes of those questions.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from .proportions import rate_entry, row_flag, satisfaction_rate
from .scales import scale_summary

SCALE = ("1", "2", "3", "4", "5")
NA = "na"
OVERALL_SCALE_ITEMS = ("overall",)
PROFILE_SECTION = "demographics"
PROFILE_ITEMS = ("respondent_type", "gender", "age_group", "education", "occupation")
# The grouping variable of "results by respondent group": a citizen/organisation question
# when a survey's questionnaire has one, else occupation (the SIPAS form's only item that
# tells kinds of applicants apart: civil servants, business owners, employees, farmers...).
GROUP_ITEMS = ("respondent_type", "occupation")
_NUMBERING = re.compile(r"^\s*\d+[.)]\s*")


def is_scale_question(question) -> bool:
    """A single-choice question whose options are the levels 1-5 (and possibly N/A)."""
    codes = {o.code for o in question.options}
    return question.kind == "single" and set(SCALE) <= codes <= set(SCALE) | {NA}


def layout(questionnaire) -> dict:
    """The statistical layout of a questionnaire (a ``forms.spec.Questionnaire``).

    ``items``: 5-level items with their section ("aspect"); ``aspects``: sections holding
    5-level items other than the overall item; ``profile``: single-choice items describing
    the respondent, with their options; ``group``: the code of the grouping variable.
    """
    items, aspects, profile = [], [], []
    for section in questionnaire.sections:
        scale = [q for q in section.questions if is_scale_question(q)]
        for q in scale:
            items.append({"code": q.code, "aspect": section.code, "text": q.text})
        if any(q.code not in OVERALL_SCALE_ITEMS for q in scale):
            aspects.append({"code": section.code,
                            "title": _NUMBERING.sub("", section.title).strip()})
        for q in section.questions:
            if q.kind == "single" and q not in scale and (
                    section.code == PROFILE_SECTION or q.code in PROFILE_ITEMS):
                profile.append({"code": q.code, "text": q.text,
                                "options": [[o.code, o.label] for o in q.options]})
    codes = [p["code"] for p in profile]
    group = next((c for c in GROUP_ITEMS if c in codes), None)
    return {"items": items, "aspects": aspects, "profile": profile, "group": group}


def merge_layouts(layouts) -> dict:
    """One layout from several versions' layouts: the first wording of each code wins."""
    out: dict = {"items": [], "aspects": [], "profile": [], "group": None}
    for lay in layouts:
        for key in ("items", "aspects", "profile"):
            seen = {x["code"] for x in out[key]}
            out[key] += [x for x in lay.get(key, []) if x["code"] not in seen]
        out["group"] = out["group"] or lay.get("group")
    return out


def criteria(rows: list[dict], items: list[dict]) -> list[dict]:
    """Per 5-level item: n, share of 4-5 with its Wilson 95% interval, mean, share of 1-2.

    Only rows whose questionnaire has the item count (``code`` in ``row["items"]``); N/A
    and blanks are counted apart and left out of n. The interval has no finite-population
    correction (N per item is not known), so it is slightly conservative.
    """
    out = []
    for item in items:
        code = item["code"]
        values = [r["items"][code] for r in rows if code in (r.get("items") or {})]
        s = scale_summary(values)
        out.append({"code": code, "aspect": item["aspect"], "text": item["text"], "n": s.n,
                    "top2": s.top2, "top2_rate": s.top2_rate,
                    "top2_ci95": list(s.top2_ci95) if s.top2_ci95 else None,
                    "mean": s.mean, "bottom2": s.bottom2, "bottom2_rate": s.bottom2_rate,
                    "not_applicable": s.not_applicable, "blank": s.blank})
    return out


def aspect_indices(results: list[dict], aspects: list[dict]) -> list[dict]:
    """The satisfaction index of each aspect: the mean of its items' shares of 4-5.

    This is the SIPAS method of the Ministry of Home Affairs: an aspect's index is the
    average, over the criteria of the aspect, of the share of respondents answering
    "Hài lòng" or "Rất hài lòng" (levels 4-5); items without valid answers are left out.
    The overall item is not part of any aspect.
    """
    out = []
    for aspect in aspects:
        mine = [c for c in results
                if c["aspect"] == aspect["code"] and c["code"] not in OVERALL_SCALE_ITEMS]
        shares = [c["top2_rate"] for c in mine if c["top2_rate"] is not None]
        out.append({"code": aspect["code"], "title": aspect["title"], "items": len(mine),
                    "rated_items": len(shares),
                    "index": float(np.mean(shares)) if shares else None})
    return out


def sipas_index(aspects: list[dict]) -> float | None:
    """The SIPAS index: the mean of the aspect indices (aspects without one left out)."""
    values = [a["index"] for a in aspects if a["index"] is not None]
    return float(np.mean(values)) if values else None


def profile(rows: list[dict], items: list[dict]) -> list[dict]:
    """Counts and shares of each answer of each respondent item (shares of those answering).

    Only rows whose questionnaire has the item count; codes outside the options (should
    never happen) are listed after them under their code.
    """
    out = []
    for item in items:
        code = item["code"]
        values = [r["profile"][code] for r in rows if code in (r.get("profile") or {})]
        answered = [v for v in values if v not in (None, "")]
        counts = Counter(answered)
        labels = dict(item["options"])
        codes = [c for c, _ in item["options"]] + sorted(set(counts) - set(labels))
        out.append({"code": code, "text": item["text"], "answered": len(answered),
                    "blank": len(values) - len(answered),
                    "options": [{"code": c, "label": labels.get(c, c), "count": counts[c],
                                 "share": counts[c] / len(answered) if answered else None}
                                for c in codes]})
    return out


def group_rates(rows: list[dict], item: dict | None) -> dict:
    """Satisfaction rate per answer of the grouping item (option order; no answer last).

    Empty dict when the questionnaire has no grouping item.
    """
    if item is None:
        return {}
    code = item["code"]
    mine = [r for r in rows if code in (r.get("profile") or {})]
    groups: dict = {c: [] for c, _ in item["options"]}
    for r in mine:
        groups.setdefault(r["profile"][code] or None, []).append(row_flag(r))
    labels = dict(item["options"])
    rates = []
    for g, flags in groups.items():
        if not flags:
            continue
        rates.append({**rate_entry(g, satisfaction_rate(flags)), "label": labels.get(g, g)})
    none = [x for x in rates if x["group"] is None]
    return {"item": code, "title": item["text"],
            "rates": [x for x in rates if x["group"] is not None] + none}

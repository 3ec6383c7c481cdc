"""A simulated respondent: answers to a layout's questions, the marks that carry them, the truth.

The truth of a question is what a careful person reads from the sheet:
``{"values": [...], "status": "ok" | "blank" | "multiple"}``; a correction (the
printed rule: cross out the wrong box, fill the right one) reads as the new box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .pens import MARK_STYLES

STYLE_WEIGHTS = {"solid": 0.5, "partial": 0.12, "tick": 0.1, "cross": 0.1, "pencil": 0.18}
_EQ = re.compile(r"^\s*(\w+)\s*==\s*'([^']*)'\s*$")


@dataclass
class Rates:
    """How often people do each thing (per answer unless stated)."""

    blank_required: float = 0.03
    blank_optional: float = 0.2
    correction: float = 0.02
    double: float = 0.004
    mixed_style: float = 0.15  # a mark in another style than the respondent's usual one
    stray_per_page: float = 0.6
    short_id: float = 0.1  # a 9-digit old ID in the 12-digit grid
    styles: dict | None = None  # respondents' usual mark styles and their weights


@dataclass
class Plan:
    """What to draw on each page of one sheet, and the truth per question."""

    truth: dict = field(default_factory=dict)
    marks: list = field(default_factory=list)  # (page, box dict, style)
    digits: list = field(default_factory=list)  # (page, box dict of the digit, digit text)
    texts: list = field(default_factory=list)  # (page, region dict, text)
    style: str = "solid"
    pencil: bool = False


def _boxes_by_question(layout: dict) -> dict:
    out: dict = {}
    for page in layout["pages"]:
        for box in page["boxes"]:
            out.setdefault(box["question"], []).append((page["page"], box))
    return out


def _style(rng, plan: Plan, rates: Rates) -> str:
    if rng.random() < rates.mixed_style:
        s = str(rng.choice(MARK_STYLES))
        return "solid" if s == "pencil" and not plan.pencil else s
    return plan.style


def _relevant(q: dict, plan: Plan) -> bool:
    m = _EQ.match(q.get("relevant") or "")
    if not m:
        return True
    got = plan.truth.get(m.group(1), {}).get("values", [])
    return got == [m.group(2)]


def _choice(rng, q, boxes, plan: Plan, rates: Rates) -> None:
    by_opt = {b["option"]: (p, b) for p, b in boxes}
    options = list(by_opt)
    blank = rates.blank_required if q.get("required") else rates.blank_optional
    if not _relevant(q, plan):
        blank = 0.9
    if rng.random() < blank:
        plan.truth[q["code"]] = {"values": [], "status": "blank"}
        return
    k = 1 if q["kind"] == "single" else int(rng.choice([1, 1, 2, 2, 3]))
    chosen = [str(o) for o in rng.choice(options, size=min(k, len(options)), replace=False)]
    status = "ok"
    if q["kind"] == "single" and rng.random() < rates.double:
        chosen.append(str(rng.choice([o for o in options if o not in chosen])))
        status = "multiple"
    rest = [o for o in options if o not in chosen]
    if rest and rng.random() < rates.correction:
        wrong = str(rng.choice(rest))
        plan.marks.append((*by_opt[wrong], "solid"))
        plan.marks.append((*by_opt[wrong], "cancel"))
    for o in chosen:
        plan.marks.append((*by_opt[o], _style(rng, plan, rates)))
    order = {o: i for i, o in enumerate(options)}
    plan.truth[q["code"]] = {"values": sorted(chosen, key=order.get), "status": status}


def _grid(rng, q, boxes, plan: Plan, rates: Rates) -> None:
    n = q.get("digits", 8)
    if rng.random() < (rates.blank_required if q.get("required") else rates.blank_optional):
        plan.truth[q["code"]] = {"values": [], "status": "blank"}
        return
    if q["kind"] == "date":
        d = int(rng.integers(1, 29)), int(rng.integers(1, 13)), int(rng.integers(2024, 2027))
        text = f"{d[0]:02d}{d[1]:02d}{d[2]:04d}"
    else:
        length = 9 if n == 12 and rng.random() < rates.short_id else n
        text = "0" + "".join(str(int(v)) for v in rng.integers(0, 10, length - 1))
    grid = {(b["position"], b["option"]): (p, b) for p, b in boxes}
    for pos, digit in enumerate(text):
        page, box = grid[(pos, digit)]
        plan.marks.append((page, box, _style(rng, plan, rates)))
        plan.digits.append((page, box, digit))
    plan.truth[q["code"]] = {"values": list(text), "status": "ok"}


def plan_sheet(layout: dict, rng: np.random.Generator, rates: Rates | None = None) -> Plan:
    """Decide one respondent's answers and marks for a layout."""
    rates = rates or Rates()
    styles = rates.styles or STYLE_WEIGHTS
    names = list(styles)
    weights = np.array([styles[s] for s in names], dtype=np.float64)
    plan = Plan(style=str(rng.choice(names, p=weights / weights.sum())))
    plan.pencil = plan.style == "pencil"
    boxes = _boxes_by_question(layout)
    for q in layout["questions"]:
        if q["kind"] in ("single", "multiple"):
            _choice(rng, q, boxes.get(q["code"], []), plan, rates)
        elif q["kind"] in ("digits", "date"):
            _grid(rng, q, boxes.get(q["code"], []), plan, rates)
    for page in layout["pages"]:
        for region in page["text_regions"]:
            if rng.random() < 0.5:
                words = rng.choice(["Tot", "hai long", "can cai thien", "nhanh", "Phuong 3",
                                    "So Tu phap", "ho tich", "cap giay"], size=3)
                plan.texts.append((page["page"], region, " ".join(words)))
    return plan

"""The report's fieldwork figures: the same ``plans.progress.progress`` as steps 3 and 4 and
the survey dashboard, frozen into the report's statistics so that a draft keeps them."""

from __future__ import annotations

from .content import Para, Table, num, pct


def _rate(value) -> float | None:
    return float(value) if value is not None else None


def fieldwork_summary(survey, agency=None) -> dict:
    """Per agency in scope (or only ``agency``): required sample, approved independent sheets,
    sheets in the system and the draw's RR1/RR2; and the totals."""
    from ..plans.progress import progress

    items, total = progress(survey)
    rows = []
    for p in items:
        if agency is not None and p.agency.id != agency.id:
            continue
        r = p.responses or {}
        rows.append({"agency": p.agency.name, "required": p.required, "approved": p.approved,
                     "in_system": p.in_system, "met": p.met, "explained": p.explained,
                     "rr1": _rate(r.get("rr1")), "rr2": _rate(r.get("rr2"))})
    r = (total.get("responses") or {}) if agency is None else {}
    return {"agencies": rows,
            "required": sum(a["required"] or 0 for a in rows),
            "approved": sum(a["approved"] for a in rows),
            "rr1": _rate(r.get("rr1")), "rr2": _rate(r.get("rr2"))}


def fieldwork_blocks(stats: dict) -> list:
    """The report's paragraph and table on the independent survey's sheets against the
    plan's sample and the response rates of the draw (nothing for older statistics)."""
    f = stats.get("fieldwork")
    if not f or not f.get("agencies"):
        return []
    share = f["approved"] / f["required"] if f["required"] else None
    blocks = [Para("Phiếu khảo sát độc lập đã duyệt so với cỡ mẫu kế hoạch: "
                   f"{num(f['approved'])}/{num(f['required'])} phiếu ({pct(share)})"
                   + (f"; tỷ lệ phản hồi của mẫu rút theo AAPOR: RR1 {pct(f['rr1'])}, "
                      f"RR2 {pct(f['rr2'])}" if f.get("rr1") is not None else "") + ".")]
    rows = [["STT", "Cơ quan, đơn vị", "Cỡ mẫu", "Phiếu đã duyệt", "Tỷ lệ đạt", "RR1", "RR2"]]
    for i, a in enumerate(f["agencies"], 1):
        reached = a["approved"] / a["required"] if a["required"] else None
        rows.append([str(i), a["agency"], num(a["required"]), num(a["approved"]),
                     pct(reached), pct(a["rr1"]), pct(a["rr2"])])
    blocks.append(Table(rows, (1.1, 5.4, 1.8, 2.0, 1.9, 1.9, 1.9), (2, 3, 4, 5, 6)))
    return blocks

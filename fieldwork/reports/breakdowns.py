"""Report blocks for criteria, respondent profile, periods, procedures, groups and comments.

Each builder reads one part of the statistics dict of ``stats.summary.summarise`` and
formats its numbers with the same helpers as the rest of the report; none computes a
figure of its own. An empty part gives no blocks, so a form without 5-level items has no
criteria section.
"""

from __future__ import annotations

from ..stats.criteria import OVERALL_SCALE_ITEMS
from . import charts
from .content import Chart, Para, Table, ci, dec, num, pct

COMMENT_CAP = 50  # comments printed per agency; the rest are counted
COMMENT_KINDS = {"q02_other": "Lý do chưa hài lòng khác: "}
UNKNOWN = "Không xác định"


def period_label(key: str, short: bool = False) -> str:
    """"2026-03" -> "Tháng 03/2026" ("T03/2026"), "2026-Q1" -> "Quý I/2026", "2026-H1" ->
    "6 tháng đầu năm 2026" ("6T đầu/2026")."""
    year, part = key.split("-")
    if part.startswith("Q"):
        return f"Quý {('I', 'II', 'III', 'IV')[int(part[1]) - 1]}/{year}"
    if part.startswith("H"):
        half = "đầu" if part == "H1" else "cuối"
        return f"6T {half}/{year}" if short else f"6 tháng {half} năm {year}"
    return f"T{part}/{year}" if short else f"Tháng {part}/{year}"


def profile_blocks(stats: dict) -> list:
    """The respondent profile: each item's answers with counts and shares of those answering."""
    items = [p for p in stats.get("profile", []) if p["answered"] or p["blank"]]
    if not items:
        return []
    rows = [["Đặc điểm", "Phân nhóm", "Số phiếu", "Tỷ lệ"]]
    for p in items:
        first = True
        for o in p["options"]:
            rows.append([p["text"] if first else "", o["label"], num(o["count"]),
                         pct(o["share"])])
            first = False
        if p["blank"]:
            rows.append(["", "Không trả lời", num(p["blank"]), ""])
    return [Para("Thông tin người trả lời phiếu (tỷ lệ trên số người trả lời từng câu):",
                 bold=True), Table(rows, (4.2, 6.6, 2.6, 3.0), (2, 3))]


def aspect_table(stats: dict) -> Table:
    """Aspect indices (SIPAS: mean over the aspect's criteria of the share answering 4-5)."""
    rows = [["STT", "Yếu tố", "Số tiêu chí", "Chỉ số hài lòng"]]
    for i, a in enumerate(stats["aspects"], 1):
        rows.append([str(i), a["title"], num(a["items"]), pct(a["index"])])
    rows.append(["", "Chỉ số hài lòng chung (trung bình các yếu tố)", "",
                 pct(stats.get("sipas_index"))])
    return Table(rows, (1.2, 9.4, 2.4, 3.4), (2, 3))


def item_numbers(stats: dict) -> list[str]:
    """Each criterion's number in the report: aspect and item ("2.3"); items outside the
    aspects (the overall item) numbered after them ("6"), as the SIPAS form prints them."""
    order = {a["code"]: i for i, a in enumerate(stats.get("aspects", []), 1)}
    seen: dict = {}
    out, rest = [], len(order)
    for c in stats["criteria"]:
        if c["aspect"] in order and c["code"] not in OVERALL_SCALE_ITEMS:
            seen[c["aspect"]] = seen.get(c["aspect"], 0) + 1
            out.append(f"{order[c['aspect']]}.{seen[c['aspect']]}")
        else:
            rest += 1
            out.append(str(rest))
    return out


def item_table(stats: dict) -> Table:
    """Per criterion: n, share of 4-5 and its interval, mean, share of 1-2 and N/A count."""
    rows = [["STT", "Tiêu chí", "n", "Hài lòng (mức 4-5)", "KTC 95%", "Điểm TB",
             "Chưa hài lòng (mức 1-2)", "Không áp dụng"]]
    for number, c in zip(item_numbers(stats), stats["criteria"], strict=True):
        rows.append([number, c["text"], num(c["n"]), pct(c["top2_rate"]),
                     ci(c["top2_ci95"]), dec(c["mean"]), pct(c["bottom2_rate"]),
                     num(c["not_applicable"])])
    return Table(rows, (1.3, 4.2, 1.1, 1.6, 3.3, 1.3, 1.6, 1.6), (2, 3, 5, 6, 7))


def criteria_blocks(stats: dict, with_charts: bool = True) -> list:
    """The criteria section: aspect table and chart, then every item; [] without items."""
    if not stats.get("criteria"):
        return []
    blocks = [Para("Chỉ số hài lòng về từng yếu tố là trung bình cộng tỷ lệ người trả lời "
                   "“Hài lòng” hoặc “Rất hài lòng” (mức 4-5) của các tiêu chí thuộc yếu tố "
                   "đó; chỉ số hài lòng chung là trung bình cộng chỉ số các yếu tố.")]
    if stats.get("aspects"):
        blocks += [Para("1. Chỉ số hài lòng theo yếu tố", bold=True, level=2), aspect_table(stats)]
        rated = [(a["title"], a["index"]) for a in stats["aspects"]]
        if with_charts and any(v is not None for _, v in rated):
            blocks.append(Chart("Biểu đồ: Chỉ số hài lòng theo yếu tố",
                                charts.aspect_chart(rated)))
    blocks += [Para(("2. " if stats.get("aspects") else "") + "Kết quả theo tiêu chí",
                    bold=True, level=2 if stats.get("aspects") else 0), item_table(stats),
               Para("Tỷ lệ tính trên số phiếu trả lời tiêu chí (n), không kể phiếu để trống "
                    "và phiếu chọn “Không áp dụng”.", italic=True)]
    return blocks


def rate_table(rows_in: list[dict], title: str, label) -> Table:
    """Rows of {group, n, rate, ci95} as a numbered table with ``label(group)`` names."""
    rows = [["STT", title, "Số phiếu (n)", "Tỷ lệ hài lòng", "KTC 95%"]]
    for i, g in enumerate(rows_in, 1):
        rows.append([str(i), label(g), num(g["n"]), pct(g["rate"]), ci(g["ci95"])])
    return Table(rows, (1.2, 6.5, 2.4, 2.6, 3.8), (2, 3))


def period_blocks(stats: dict, with_charts: bool = True) -> list:
    """Rates by month (table and chart) and by quarter and half-year; [] without dates."""
    p = stats.get("periods") or {}
    if not p.get("month"):
        return []
    from .dashboard import period_rows
    blocks = [rate_table(p["month"], "Tháng", lambda g: period_label(g["group"]))]
    chart_rows = period_rows(stats)
    if with_charts and len(chart_rows) > 1:
        blocks.append(Chart("Biểu đồ: Tỷ lệ hài lòng theo " +
                            ("tháng" if chart_rows is p["month"] else "quý"),
                            charts.period_chart([(period_label(g["group"], True), g["rate"],
                                                  g["n"]) for g in chart_rows])))
    blocks.append(rate_table(p["quarter"] + p["half"], "Quý, 6 tháng",
                             lambda g: period_label(g["group"])))
    if p.get("undated"):
        blocks.append(Para(f"Không xác định được ngày của {num(p['undated'])} phiếu.",
                           italic=True))
    return blocks


def procedure_blocks(stats: dict) -> list:
    """Rates of the most frequent procedures and the rest pooled; [] when none is named."""
    p = stats.get("procedures") or {}
    if not p:
        return []
    rows = list(p["rows"])
    if p.get("others"):
        rows.append(dict(p["others"], group=f"Các thủ tục khác ({num(p['others']['procedures'])}"
                                            " thủ tục)"))
    blocks = [rate_table(rows, "Thủ tục hành chính", lambda g: g["group"])]
    if p.get("unnamed"):
        blocks.append(Para(f"{num(p['unnamed'])} phiếu không ghi tên thủ tục.", italic=True))
    return blocks


def group_blocks(stats: dict) -> list:
    """Rates by respondent group (the grouping item's answers); [] when there is none."""
    g = stats.get("groups") or {}
    if not g or not g.get("rates"):
        return []
    return [Para(f"Nhóm theo câu hỏi “{g['title']}”.", italic=True),
            rate_table(g["rates"], g["title"],
                       lambda x: x["label"] if x["group"] is not None else "Không trả lời")]


def breakdown_blocks(stats: dict, with_charts: bool = True) -> tuple[str, list]:
    """The section heading and its numbered sub-parts: by period, by procedure, by
    respondent group (those present; no blocks when none is)."""
    blocks, names = [], []
    for name, title, part in (
            ("THỜI GIAN", "Kết quả theo thời gian khảo sát", period_blocks(stats, with_charts)),
            ("THỦ TỤC HÀNH CHÍNH", "Kết quả theo thủ tục hành chính", procedure_blocks(stats)),
            ("NHÓM NGƯỜI TRẢ LỜI", "Kết quả theo nhóm người trả lời", group_blocks(stats))):
        if part:
            names.append(name)
            blocks += [Para(f"{len(names)}. {title}", bold=True, level=2), *part]
    joined = " VÀ ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return f"KẾT QUẢ THEO {joined}", blocks


def comment_blocks(stats: dict, cap: int = COMMENT_CAP) -> list:
    """Comments grouped by agency, at most ``cap`` each, the number left out said."""
    blocks = []
    for group in stats.get("comments", []):
        blocks.append(Para(f"{group['agency'] or UNKNOWN} ({num(group['count'])} ý kiến)",
                           bold=True))
        for c in group["comments"][:cap]:
            blocks.append(Para("– " + COMMENT_KINDS.get(c["item"], "") + c["text"]))
        if group["count"] > cap:
            blocks.append(Para(f"… và {num(group['count'] - cap)} ý kiến khác (xem bộ dữ liệu "
                               "kết quả khảo sát).", italic=True))
    return blocks

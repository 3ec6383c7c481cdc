"""The report outline as plain data, built from the statistics dict of ``survey_statistics``.

Both builders (DOCX and PDF) render the same ``ReportContent``, so every figure in either
file is the same string, formatted here from the same number. Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from babel.numbers import format_decimal, format_percent

from ..documents.model import Chart, Para, Section, Table
from ..stats.compare import compare_proportions
from ..stats.sources import CHANNEL_LABELS_VI
from . import charts

__all__ = ["Chart", "Para", "Section", "Table"]  # the document model, for the builders here

KIND = "BÁO CÁO"
PLACEHOLDER = ("[Đơn vị thực hiện khảo sát viết nội dung phần này: những tồn tại, hạn chế "
               "được phát hiện qua khảo sát, nguyên nhân và kiến nghị, đề xuất giải pháp.]")
SHORTCOMINGS = "TỒN TẠI, HẠN CHẾ VÀ KIẾN NGHỊ"
SITUATION = "THỰC TRẠNG VÀ LÝ DO LỰA CHỌN LĨNH VỰC KHẢO SÁT"
COMPARISON = "SO SÁNH VỚI KẾT QUẢ CÁC NĂM TRƯỚC"
COMMENTS = "Ý KIẾN GÓP Ý CỦA NGƯỜI DÂN, TỔ CHỨC"
CHART_AGENCIES = 40  # more bars than this do not fit one page legibly
CHANNEL_LABELS = CHANNEL_LABELS_VI


def pct(value: float | None) -> str:
    """A fraction as a Vietnamese percentage with two decimals: 0.82664 -> "82,66%"."""
    return "—" if value is None else format_percent(value, "#,##0.00%", locale="vi")


def num(value) -> str:
    """A count in Vietnamese format: 4000 -> "4.000"."""
    return "—" if value is None else format_decimal(value, "#,##0", locale="vi")


def dec(value: float | None) -> str:
    """A mean with two decimals in Vietnamese format: 3.5 -> "3,50"."""
    return "—" if value is None else format_decimal(value, "#,##0.00", locale="vi")


def points(diff: float) -> str:
    """A difference of rates in percentage points: 0.0231 -> "+2,31 điểm phần trăm"."""
    return format_decimal(diff * 100, "+#,##0.00;-#,##0.00", locale="vi") + " điểm phần trăm"


def ci(interval) -> str:
    """A 95% interval as "80,10% – 85,00%"."""
    return f"{pct(interval[0])} – {pct(interval[1])}" if interval else "—"


@dataclass
class Header:
    """What the report says about who issues it and where (from the plan and survey)."""

    survey_title: str
    year: int
    parent_body: str = ""
    issuing_body: str = ""
    number_line: str = "Số:        /BC-..."
    date_line: str = ""
    population: int | None = None
    # From the plan: why these fields (paragraphs), its method (paragraphs), the sample rule
    # in Vietnamese words, and (field, agency, N, n) of every scope row.
    field_reasons: list = field(default_factory=list)
    plan_methods: list = field(default_factory=list)
    method_rules: list = field(default_factory=list)
    scope_rows: list = field(default_factory=list)
    recipients: list[str] = field(default_factory=lambda: ["- Sở Nội vụ;", "- Lưu: VT."])
    # The issuing body as typed (for sentences), the plan the report answers ("Kế hoạch số
    # 15/KH-TTKS ngày 27/3/2026"), and the contractor (the files' author).
    issuer_name: str = ""
    plan_ref: str = ""
    contractor: str = ""
    authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    reason_labels: dict = field(default_factory=dict)
    questionnaire_title: str = ""
    questionnaire: list = field(default_factory=list)  # (code, text, [option labels])


@dataclass
class ReportContent:
    """Everything a report file shows, as plain text, tables and chart images."""

    header: Header
    kind: str
    subject: str
    sections: list[Section]
    snapshot: str


def _lower_first(text: str) -> str:
    text = text.strip()
    return text[:1].lower() + text[1:]


def subject_line(survey_title: str, scope: tuple[str, str] | None) -> str:
    """The subject under "BÁO CÁO": the synthesis, or the same for one agency or field."""
    base = "Kết quả " + (_lower_first(survey_title) or "khảo sát sự hài lòng")
    if scope is None:
        return base
    what = "Cơ quan, đơn vị" if scope[0] == "agency" else "Lĩnh vực"
    return f"{base}\n{what}: {scope[1]}"


def agency_table(stats: dict) -> Table:
    """Agencies ranked (rank ranges), their intervals and the plan's band each is below;
    then those below their required sample ("Chưa đủ mẫu"), not ranked."""
    rows = [["Hạng", "Cơ quan, đơn vị", "Số phiếu (n)", "Hài lòng", "Tỷ lệ", "KTC 95%",
             "Ghi chú"]]
    for a in stats["agencies"]:
        if a.get("rank") is not None:
            place = str(a["rank"])
        elif a.get("status") == "insufficient":
            place = "—"
        else:
            continue
        mark = f"Dưới {pct(a['below'])}" if a.get("below") else ""
        if a.get("status") == "insufficient":
            need = (a.get("adequacy") or {}).get("required")
            mark = "Chưa đủ mẫu" + (f" (cần {num(need)})" if need else "")
        rows.append([place, a["agency"] or "—", num(a["n"]), num(a["satisfied"]),
                     pct(a["rate"]), ci(a["ci95"]), mark])
    return Table(rows, (1.2, 4.4, 1.5, 1.5, 1.7, 3.6, 2.6), (2, 3, 4))


SOURCES_NOTE = ("Các chỉ số, xếp hạng và cỡ mẫu trong báo cáo là của khảo sát độc lập do đơn vị "
                "khảo sát thực hiện; kết quả của phần mềm khảo sát trực tuyến của thành phố, "
                "Tổng đài 1022 và các nguồn khác (nếu có) được trình bày riêng theo từng nguồn, "
                "không gộp vào.")


def ranking_note(stats: dict) -> str:
    """How ranks are given, and whose bands mark agencies (only when the plan set some)."""
    from ..stats.compare import RANK_METHOD_VI
    text = ("Ghi chú: chỉ xếp hạng các cơ quan, đơn vị đã đủ cỡ mẫu tối thiểu theo kế hoạch; "
            f"hạng là một khoảng khi khác biệt không có ý nghĩa thống kê ({RANK_METHOD_VI}).")
    bands = stats.get("bands")
    if bands:
        marks = ", ".join(f"“Dưới {pct(v)}”" for v in bands["values"])
        text += (f" {marks}: tỷ lệ hài lòng thấp hơn ngưỡng do kế hoạch quy định"
                 + (f" ({bands['source']})" if bands.get("source") else "") + ".")
    return text


def source_table(stats: dict) -> Table | None:
    """Results by source: the independent survey first, then each other source with its own
    n, rate and interval, never pooled (None when there is no other source)."""
    others = [s for s in (stats.get("sources") or {}).values() if s["overall"]["sheets"]]
    if not others:
        return None
    rows = [["STT", "Nguồn kết quả", "Số phiếu (n)", "Tỷ lệ hài lòng", "KTC 95%"]]
    for i, s in enumerate([stats, *others], 1):
        label = s.get("source_label_vi") or s.get("source") or "—"
        rows.append([str(i), label, num(s["overall"]["n"]), pct(s["overall"]["rate"]),
                     ci(s["overall"]["ci95"])])
        # A source answered through several channels shows each (e.g. web and kiosk).
        used = [c for c in s.get("channels", []) if c["n"]] if s is not stats else []
        for c in used if len(used) > 1 else []:
            rows.append(["", f"– {CHANNEL_LABELS_VI.get(c['group'], c['group'])}", num(c["n"]),
                         pct(c["rate"]), ci(c["ci95"])])
    return Table(rows, (1.2, 6.5, 2.4, 2.6, 3.8), (2, 3))


def reason_table(stats: dict, labels: dict) -> Table:
    """Reasons for dissatisfaction with counts and their share of dissatisfied answers."""
    unhappy = stats["overall"]["n"] - stats["overall"]["satisfied"]
    rows = [["STT", "Lý do chưa hài lòng", "Số lượt chọn", "Tỷ lệ/số chưa hài lòng"]]
    for i, r in enumerate(stats["reasons"], 1):
        share = r["count"] / unhappy if unhappy else None
        rows.append([str(i), labels.get(r["code"], r["code"]), num(r["count"]), pct(share)])
    return Table(rows, (1.2, 9.6, 2.4, 3.3), (2, 3))


def annex_table(stats: dict) -> Table:
    """Per-agency annex: forms collected against the plan, rate, interval, and the margin of
    error the plan set beside the one achieved."""
    rows = [["STT", "Cơ quan, đơn vị", "Phiếu yêu cầu", "Phiếu hợp lệ", "Tỷ lệ hài lòng",
             "KTC 95%", "Sai số kế hoạch", "Sai số đạt được"]]

    def margin(value):
        return "±" + pct(value) if value is not None else "—"

    for i, a in enumerate(stats["agencies"], 1):
        req = a.get("adequacy", {}).get("required")
        rows.append([str(i), a["agency"] or "—", num(req), num(a["n"]), pct(a["rate"]),
                     ci(a["ci95"]), margin(a.get("margin_planned")),
                     margin(a.get("margin_achieved"))])
    return Table(rows, (1.1, 3.3, 1.5, 1.5, 1.8, 3.4, 1.8, 2.1), (2, 3, 4, 6, 7))


def group_table(groups: list[dict], title: str, labels: dict | None = None) -> Table:
    """Rates per field or per channel."""
    labels = labels or {}
    rows = [["STT", title, "Số phiếu (n)", "Tỷ lệ hài lòng", "KTC 95%"]]
    for i, g in enumerate(groups, 1):
        rows.append([str(i), labels.get(g["group"], g["group"] or "Không xác định"),
                     num(g["n"]), pct(g["rate"]), ci(g["ci95"])])
    return Table(rows, (1.2, 6.5, 2.4, 2.6, 3.8), (2, 3))


def change_text(now: dict, before: dict, year: int) -> str | None:
    """The overall change from an earlier survey, tested with ``compare_proportions``."""
    if not now["n"] or not before["n"]:
        return None
    c = compare_proportions(now["satisfied"], now["n"], before["satisfied"], before["n"])
    verdict = ("có ý nghĩa thống kê" if c.significant else "không có ý nghĩa thống kê")
    p_value = ("< 0,001" if c.p_value < 0.001
               else "= " + format_decimal(c.p_value, "0.000", locale="vi"))
    return (f"So với năm {year} ({pct(c.rate_before)}): {points(c.difference)} "
            f"(KTC 95%: {points(c.ci95[0])} đến {points(c.ci95[1])}), {verdict} "
            f"(p {p_value}).")


def agency_chart_rows(stats: dict) -> tuple[list[tuple[str, float]], str]:
    """(agency, rate) bars of the agency chart and its caption: the agencies that met their
    required sample (while none has, every agency with answers, the caption says so); with
    more than ``CHART_AGENCIES``, the lowest rates only (they need attention)."""
    rated = [(a["agency"], a["rate"]) for a in stats["agencies"] if a["rate"] is not None
             and a.get("status", "ranked") == "ranked"]
    caption = "Biểu đồ: Tỷ lệ hài lòng theo cơ quan, đơn vị (đã đủ cỡ mẫu)"
    if not rated:
        rated = [(a["agency"], a["rate"]) for a in stats["agencies"] if a["rate"] is not None]
        caption = ("Biểu đồ: Tỷ lệ hài lòng theo cơ quan, đơn vị (chưa cơ quan, đơn vị nào đủ "
                   "cỡ mẫu: chỉ để tham khảo, không xếp hạng)")
    if len(rated) > CHART_AGENCIES:
        rated = sorted(rated, key=lambda x: x[1])[:CHART_AGENCIES]
        caption += f" ({CHART_AGENCIES} cơ quan, đơn vị có tỷ lệ thấp nhất)"
    return rated, caption


def questionnaire_blocks(header: Header) -> list:
    """The questionnaire as annex paragraphs: each question, its options below it."""
    blocks = [Para(header.questionnaire_title, bold=True)] if header.questionnaire_title else []
    for i, (_code, text, options) in enumerate(header.questionnaire, 1):
        blocks.append(Para(f"Câu {i}. {text}"))
        blocks += [Para(f"– {label}") for label in options]
    return blocks


def paragraphs(text: str | None) -> list[str]:
    """Plain text split at blank lines into paragraphs (lines inside one joined by a space)."""
    parts = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    return [" ".join(line.strip() for line in p.splitlines() if line.strip())
            for p in parts if p.strip()]


def shortcomings_blocks(narrative: dict | None) -> list:
    """The contractor's shortcomings and recommendations, or the placeholder where empty."""
    narrative = narrative or {}
    found = {k: paragraphs(narrative.get(k)) for k in ("shortcomings", "recommendations")}
    if not any(found.values()):
        return [Para(PLACEHOLDER, italic=True)]
    blocks = []
    for key, title in (("shortcomings", "1. Tồn tại, hạn chế"),
                       ("recommendations", "2. Kiến nghị, đề xuất")):
        blocks.append(Para(title, bold=True, level=2))
        blocks += [Para(p) for p in found[key]] or [Para(PLACEHOLDER, italic=True)]
    return blocks


NO_EARLIER = ("Chưa có kết quả khảo sát của các năm trước đối với các cơ quan, đơn vị và "
              "lĩnh vực này trong hệ thống, nên báo cáo chưa so sánh được giữa các năm.")


def comparison_blocks(stats: dict, header: Header, scope, earlier) -> list:
    """The comparison with every earlier year on record (seed 002 III.3.d): the change from
    the latest, every year's overall result, and by agency and by field."""
    from .narrative import years_by, years_table
    if not earlier:
        return [Para(NO_EARLIER)]
    latest_year, latest = earlier[-1]
    o = stats["overall"]
    blocks = [Para(change_text(o, latest["overall"], latest_year)
                   or f"Không có số liệu năm {latest_year} để so sánh."),
              Para("Kết quả chung qua các năm (“Có”: chênh lệch có ý nghĩa thống kê, mức 5%):",
                   bold=True), years_table(stats, earlier, header.year)]
    table = years_by(stats, earlier, "agencies")
    if table is not None:
        blocks += [Para("So sánh theo cơ quan, đơn vị (thay đổi so với năm gần nhất có số "
                        "liệu):", bold=True), table]
    table = years_by(stats, earlier, "fields") if scope is None or scope[0] == "agency" \
        else None
    if table is not None:
        blocks += [Para("So sánh theo lĩnh vực:", bold=True), table]
    return blocks


def build_content(stats: dict, header: Header, scope: tuple[str, str] | None = None,
                  with_charts: bool = True, previous: dict | None = None,
                  previous_year: int | None = None,
                  narrative: dict | None = None,
                  earlier: list[tuple[int, dict]] | None = None) -> ReportContent:
    """The outline of the synthesis (``scope`` None) or an agency/field report from ``stats``.

    ``earlier`` is [(year, statistics dict)] of every earlier survey to compare with, oldest
    first (``previous`` and ``previous_year`` give just one); ``narrative`` the contractor's
    text: keys "shortcomings" and "recommendations", plain text with blank lines between
    paragraphs.
    """
    from .breakdowns import breakdown_blocks, comment_blocks, criteria_blocks, profile_blocks
    from .narrative import method_blocks, situation_blocks

    if earlier is None and previous is not None:
        earlier = [(previous_year, previous)]
    o = stats["overall"]
    where = ("" if scope is None else
             (f" đối với {scope[1]}" if scope[0] == "agency" else f" lĩnh vực {scope[1]}"))
    basis = Section("CĂN CỨ VÀ MỤC ĐÍCH", [
        Para("1. Căn cứ", bold=True, level=2),
        Para(f"Căn cứ {header.plan_ref or 'Kế hoạch ' + _lower_first(header.survey_title)};"),
        Para("Căn cứ kết quả khảo sát đã được kiểm tra, phê duyệt (bộ dữ liệu "
             f"{stats['snapshot'][:12]}).", italic=True),
        Para("2. Mục đích", bold=True, level=2),
        Para("Đánh giá khách quan mức độ hài lòng của người dân, tổ chức đối với việc giải "
             f"quyết thủ tục hành chính{where}; chỉ ra những tồn tại, hạn chế để cơ quan, đơn "
             "vị có giải pháp nâng cao chất lượng phục vụ."),
    ])
    from .fieldwork import fieldwork_blocks
    method = (method_blocks(stats, header) + [Para(SOURCES_NOTE)] + fieldwork_blocks(stats)
              + profile_blocks(stats))
    overall = [Para(f"Chỉ số hài lòng chung: {pct(o['rate'])} ({num(o['satisfied'])}/"
                    f"{num(o['n'])} phiếu hài lòng), khoảng tin cậy 95%: {ci(o['ci95'])}.")]
    if len(stats.get("channels", [])) > 1:
        overall += [Para("Kết quả theo kênh thu thập:", bold=True),
                    group_table(stats["channels"], "Kênh", CHANNEL_LABELS)]
    by_source = source_table(stats)
    if by_source is not None:
        overall += [Para("Kết quả theo nguồn (mỗi nguồn một mẫu riêng, không gộp):", bold=True),
                    by_source]
    fields = [f for f in stats.get("fields", []) if f["group"]]
    ranking = [agency_table(stats), Para(ranking_note(stats), italic=True)]
    reasons = [reason_table(stats, header.reason_labels)] if stats["reasons"] else [
        Para("Không có phiếu chọn lý do chưa hài lòng.")]
    if with_charts:
        rated, caption = agency_chart_rows(stats)
        if rated:
            ranking.insert(1, Chart(caption, charts.agency_rates_chart(
                rated, thresholds=(stats.get("bands") or {}).get("values", ()))))
        if stats["reasons"]:
            reasons.append(Chart("Biểu đồ: Lý do chưa hài lòng", charts.reason_chart(
                [(header.reason_labels.get(r["code"], r["code"]), r["count"])
                 for r in stats["reasons"]])))
    sections = [basis,
                Section(SITUATION, situation_blocks(header, scope)),
                Section("PHƯƠNG PHÁP VÀ MẪU KHẢO SÁT", method),
                Section("KẾT QUẢ CHUNG", overall)]
    criteria = criteria_blocks(stats, with_charts)
    if criteria:
        sections.append(Section("KẾT QUẢ THEO YẾU TỐ VÀ TIÊU CHÍ ĐÁNH GIÁ", criteria))
    if scope is None and fields:
        sections.append(Section("KẾT QUẢ THEO LĨNH VỰC", [group_table(stats["fields"],
                                                                       "Lĩnh vực")]))
    sections.append(Section("KẾT QUẢ THEO CƠ QUAN, ĐƠN VỊ", ranking))
    if stats["reasons"] or not stats.get("criteria"):
        # A 5-level form without a reason question has nothing to say here.
        sections.append(Section("LÝ DO CHƯA HÀI LÒNG", reasons))
    heading, breakdowns = breakdown_blocks(stats, with_charts)
    if breakdowns:
        sections.append(Section(heading, breakdowns))
    sections += [
        Section(COMPARISON, comparison_blocks(stats, header, scope, earlier)),
        Section(SHORTCOMINGS, shortcomings_blocks(narrative)),
        Section("PHỤ LỤC 1: MẪU KHẢO SÁT VÀ KẾT QUẢ THEO CƠ QUAN, ĐƠN VỊ", [
            annex_table(stats),
            Para("Bộ dữ liệu (snapshot), cùng mã với kết quả thống kê và sổ mã (codebook) của "
                 "tệp dữ liệu xuất:", italic=True), Para(stats["snapshot"], italic=True)],
            annex=True),
    ]
    if header.questionnaire:
        sections.append(Section("PHỤ LỤC 2: PHIẾU KHẢO SÁT", questionnaire_blocks(header),
                                annex=True))
    comments = comment_blocks(stats)
    if comments:
        number = sum(s.annex for s in sections) + 1
        sections.append(Section(f"PHỤ LỤC {number}: {COMMENTS}", comments, annex=True))
    return ReportContent(header, KIND, subject_line(header.survey_title, scope), sections,
                         stats["snapshot"])

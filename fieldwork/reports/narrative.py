"""The report parts seed 002 (III.3.d) asks for beyond the figures: the situation and the
reasons for the fields chosen (from the plan), how the sample was set (in Vietnamese words
only), and the comparison with every earlier year on record. Pure: no Flask, no database."""

from __future__ import annotations

from babel.numbers import format_decimal

from ..documents.model import Para, Table
from ..stats.compare import compare_proportions
from .content import CHANNEL_LABELS, ci, num, pct

NO_REASONS = ("[Kế hoạch chưa nêu thực trạng và lý do lựa chọn lĩnh vực khảo sát: bổ sung ở "
              "mục “Lĩnh vực khảo sát: thực trạng và lý do lựa chọn” của kế hoạch.]")


def _in_scope(row: tuple, scope: tuple[str, str] | None) -> bool:
    field, agency = row[0], row[1]
    return (scope is None or (scope[0] == "agency" and agency == scope[1])
            or (scope[0] == "field" and field == scope[1]))


def situation_blocks(header, scope: tuple[str, str] | None) -> list:
    """Why these fields (the plan's text) and their situation: dossiers N and the required
    sample n of every field and agency in scope."""
    blocks = [Para(p) for p in header.field_reasons] or [Para(NO_REASONS, italic=True)]
    rows = [r for r in header.scope_rows if _in_scope(r, scope)]
    if rows:
        table = [["STT", "Lĩnh vực", "Cơ quan, đơn vị", "Số hồ sơ (N)", "Số phiếu tối thiểu (n)"]]
        for i, (field, agency, dossiers, required) in enumerate(rows, 1):
            table.append([str(i), field or "Tất cả lĩnh vực", agency, num(dossiers),
                          num(required)])
        table.append(["", "Tổng cộng", "", num(sum(r[2] or 0 for r in rows)),
                      num(sum(r[3] or 0 for r in rows))])
        blocks += [Para("Lĩnh vực, cơ quan, đơn vị được khảo sát và số hồ sơ trong năm:",
                        bold=True),
                   Table(table, (1.1, 4.2, 5.2, 2.6, 3.2), (3, 4), total=True)]
    return blocks


def method_blocks(stats: dict, header) -> list:
    """How the survey was made: the plan's method, the sample rule, what came back."""
    o = stats["overall"]
    blocks = [Para(p) for p in header.plan_methods] or [Para(
        "Khảo sát bằng phiếu hỏi, chọn mẫu từ danh sách hồ sơ đã giải quyết.")]
    blocks += [Para(p) for p in header.method_rules]
    response = o["n"] / o["sheets"] if o.get("sheets") else None
    margin = ("±" + pct(o["margin_achieved"]) if o.get("margin_achieved") is not None
              else "—")
    channels = ", ".join(CHANNEL_LABELS.get(c, c) for c in stats.get("channels_used", []))
    blocks += [
        Para(f"Tổng số hồ sơ (N): {num(header.population)}."),
        Para(f"Số phiếu thu về: {num(o.get('sheets'))}; số phiếu trả lời câu hỏi hài lòng "
             f"chung (n): {num(o['n'])}; tỷ lệ phiếu hợp lệ: {pct(response)}."),
        Para(f"Sai số đạt được (độ tin cậy 95%): {margin}."),
        Para(f"Kênh thu thập: {channels or '—'}."),
    ]
    return blocks


def _points(diff: float) -> str:
    return format_decimal(diff * 100, "+#,##0.00;-#,##0.00", locale="vi")


def years_table(stats: dict, earlier: list[tuple[int, dict]], year: int) -> Table:
    """The overall result of every year on record and this year, each earlier year's
    difference from this year with its significance at 5%."""
    now = stats["overall"]
    rows = [["Năm", "Số phiếu (n)", "Tỷ lệ hài lòng", "KTC 95%", "Năm nay so với năm đó",
             "Ý nghĩa (5%)"]]
    for y, before in earlier:
        b = before["overall"]
        if not b["n"]:
            rows.append([str(y), "0", "—", "—", "—", "—"])
            continue
        c = compare_proportions(now["satisfied"], now["n"], b["satisfied"], b["n"])
        rows.append([str(y), num(b["n"]), pct(b["rate"]), ci(b["ci95"]), _points(c.difference),
                     "Có" if c.significant else "Không"])
    rows.append([f"{year} (năm nay)", num(now["n"]), pct(now["rate"]), ci(now["ci95"]), "", ""])
    return Table(rows, (3.2, 2.0, 2.4, 4.0, 2.8, 2.1), (1, 2, 4))


def years_by(stats: dict, earlier: list[tuple[int, dict]], part: str) -> Table | None:
    """Agencies ("agencies") or fields ("fields") surveyed this year and in at least one
    earlier year: the rate of each year, and the change from the latest earlier year with
    data, tested at 5%."""
    key, title = (("agency", "Cơ quan, đơn vị") if part == "agencies" else
                  ("group", "Lĩnh vực"))
    by_year = [(y, {a[key]: a for a in s.get(part, []) if a["n"] and a[key]})
               for y, s in earlier]
    head = ["STT", title, *[f"Năm {y}" for y, _s in by_year], "Năm nay", "Thay đổi",
            "Ý nghĩa"]
    rows = [head]
    for a in (a for a in stats.get(part, []) if a["n"] and a[key]):
        seen = [(y, m[a[key]]) for y, m in by_year if a[key] in m]
        if not seen:
            continue
        last = seen[-1][1]
        c = compare_proportions(a["satisfied"], a["n"], last["satisfied"], last["n"])
        rows.append([str(len(rows)), a[key],
                     *[pct(m[a[key]]["rate"]) if a[key] in m else "—" for _y, m in by_year],
                     pct(a["rate"]), _points(c.difference), "Có" if c.significant else "Không"])
    if len(rows) == 1:
        return None
    years = len(by_year)
    name_w = max(3.0, 7.0 - 1.2 * years)
    widths = (1.1, name_w, *([2.2] * years), 2.2, 2.0, 1.8)
    return Table(rows, widths, tuple(range(2, 3 + years + 1)))

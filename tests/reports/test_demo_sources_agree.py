"""On the demo's published year, the dashboard, the report and the public page agree.

Issue 17's "done when": each leads with the independent survey, shows the city's online
software (web and kiosk) and the call centre 1022 beside it with their own n, rate and
interval, shows no bands (the demo plan sets none), and shows rank ranges; none pools the
sources. Read as a user reads them: the dashboard and the public page as served HTML, the
report as the text of its published PDF (``pdftotext -layout``); compared with one another
and with the frozen statistics of the published draft.
"""

from __future__ import annotations

import re
import subprocess

import lxml.html
from sqlalchemy import select

from fieldwork.plans.models import Survey
from fieldwork.plans.models_review import Publication

from ..conftest import login
from ..documents.office import pages_text, to_pdf

NUMBERS = re.compile(r"(\d[\d.]*)\s+(\d{1,3},\d\d%)\s+(\d{1,3},\d\d%\s+–\s+\d{1,3},\d\d%)")
RANK_ROW = re.compile(r"^\s*(\d+-\d+|\d+)\s+(?:\S.*?\s)??(\d[\d.]*)\s+(\d[\d.]*)\s+"
                      r"(\d{1,3},\d\d%)\s+(\d{1,3},\d\d%\s+–\s+\d{1,3},\d\d%)")


def _num(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _pct(v: float) -> str:
    return f"{v * 100:.2f}".replace(".", ",") + "%"


def _triple(part: dict) -> tuple[str, str, str]:
    lo, hi = part["ci95"]
    return _num(part["n"]), _pct(part["rate"]), f"{_pct(lo)} – {_pct(hi)}"


def _cells(row) -> list[str]:
    return [" ".join(c.text_content().split()) for c in row.xpath("./th|./td")]


def _expected(stats: dict) -> list[tuple[str, str, str]]:
    """The headline, then each other source and, where it has several, its channels."""
    out = [_triple(stats["overall"])]
    for part in stats["sources"].values():
        out.append(_triple(part["overall"]))
        used = [c for c in part["channels"] if c["n"]]
        out += [_triple(c) for c in used] if len(used) > 1 else []
    return out


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def _between(text: str, start: str, end: str) -> str:
    part = text[text.index(start):]
    return part[:part.index(end)]


def test_dashboard_report_and_public_page_show_the_same_sources_and_ranks(
        demo_year_full, db, client):
    from fieldwork.plans.attachments import full_path
    from fieldwork.reports.drafts import published_draft
    from fieldwork.stats.statistics import survey_statistics

    survey = db.session.scalar(select(Survey).where(Survey.code == "DEMO-2025"))
    draft = published_draft(survey)
    stats = draft.statistics
    assert stats["source"] == "independent" and stats["bands"] is None
    assert set(stats["sources"]) == {"city_online", "call_centre"}
    assert {c["group"] for c in stats["sources"]["city_online"]["channels"] if c["n"]} == {
        "online", "kiosk"}
    expected = _expected(stats)
    assert len(expected) == 5  # independent; city online, its web and kiosk; call centre
    live = survey_statistics(survey)  # the closed survey's data did not move since the draft
    assert _expected(live) == expected

    login(client, "quanly@demo.vn", demo_year_full.password)
    dash = lxml.html.fromstring(client.get("/stats/DEMO-2025").get_data(as_text=True))
    page = client.get("/bao-cao-khao-sat/DEMO-2025")
    assert page.status_code == 200
    public = lxml.html.fromstring(page.get_data(as_text=True))
    report = _pdf_text(full_path(draft.pdf))
    publication = db.session.scalar(select(Publication).where(
        Publication.survey_id == survey.id))

    # Sources: the headline first, the others beside it with their own n, rate, interval.
    head = " ".join(dash.get_element_by_id("overall").text_content().split())
    n, rate, ci = expected[0]
    assert rate in head and f"trên {n} ý kiến" in head and ci in head
    dash_rows = [tuple(_cells(r)[1:4]) for r in dash.xpath('//table[@id="sources"]/tbody/tr')]
    assert dash_rows == expected[1:]
    overlap = " ".join(dash.get_element_by_id("overlaps").text_content().split())
    assert overlap.startswith(f"{stats['overlaps']['count']} hồ sơ") and "nguồn" in overlap
    public_rows = [tuple(_cells(r)[1:4]) for r in public.xpath(
        '//table[@id="sources"]/tbody/tr')]
    assert public_rows == expected
    assert _cells(public.xpath('//table[@id="sources"]/tbody/tr')[0])[0].startswith(
        "Khảo sát độc lập")
    # The report: the published synthesis draft and the issued report made from it.
    issued = _pdf_text(full_path(publication.attachment))
    for text in (report, issued):
        by_source = _between(text, "Kết quả theo nguồn", "V. KẾT QUẢ THEO LĨNH VỰC")
        assert [tuple(re.sub(r"\s+", " ", x) for x in m) for m in NUMBERS.findall(
            by_source)] == expected
        assert "Khảo sát độc lập" in by_source and "1022" in by_source
        assert "Máy tính bảng tại Bộ phận một cửa" in by_source

    # Nothing pooled: neither the pooled count nor the pooled rate appears anywhere.
    parts = [stats["overall"], *(p["overall"] for p in stats["sources"].values())]
    pooled_n = sum(p["n"] for p in parts)
    pooled_rate = _pct(sum(p["satisfied"] for p in parts) / pooled_n)
    texts = {"dashboard": dash.text_content(), "public page": public.text_content(),
             "report": report, "issued report": issued}
    for where, text in texts.items():
        assert _num(pooled_n) not in text, where
        assert pooled_rate not in text, where
        # No bands: the plan set none, so no mark and no threshold note.
        assert "Dưới 80" not in text and "Dưới 90" not in text, where

    # Rank ranges: the same on all three, and ranges where intervals overlap.
    want = {(a["rank"], _num(a["n"]), _pct(a["rate"])) for a in stats["agencies"]
            if a["status"] == "ranked"}
    assert len(want) == stats["ranking"]["ranked"] >= 10
    assert sum("-" in rank for rank, _n, _r in want) >= len(want) // 2
    dash_ranks = {(c[0], c[2], c[4]) for c in map(_cells, dash.xpath(
        '//table[@id="agencies"]/tbody/tr[@data-status="ranked"]'))}
    public_ranks = {(c[0], c[2], c[3]) for c in map(_cells, public.xpath(
        '//table[@id="agencies"]/tbody/tr'))}
    assert dash_ranks == want
    assert public_ranks == want
    for text in (report, issued):
        ranking = _between(text, "VI. KẾT QUẢ THEO CƠ QUAN", "Ghi chú: chỉ xếp hạng")
        assert {(m.group(1), m.group(2), m.group(4)) for m in map(
            RANK_ROW.match, ranking.splitlines()) if m} == want


def test_current_year_dashboard_and_report_docx_show_the_same_sources(
        demo_year, db, client, runner, tmp_path):
    """DEMO-2026, in the field: the dashboard and a report DOCX made by ``fieldwork report``
    (opened in LibreOffice) show the same sources, web and kiosk apart; no agency has met
    its sample yet, so none is ranked on either."""
    from fieldwork.stats.statistics import survey_statistics

    survey = db.session.scalar(select(Survey).where(Survey.code == "DEMO-2026"))
    stats = survey_statistics(survey)
    expected = _expected(stats)
    assert set(stats["sources"]) == {"city_online", "call_centre"}
    assert {c["group"] for c in stats["sources"]["city_online"]["channels"] if c["n"]} == {
        "online", "kiosk"}

    login(client, "quanly@demo.vn", demo_year.password)
    dash = lxml.html.fromstring(client.get("/stats/DEMO-2026").get_data(as_text=True))
    assert [tuple(_cells(r)[1:4]) for r in dash.xpath(
        '//table[@id="sources"]/tbody/tr')] == expected[1:]
    statuses = dash.xpath('//table[@id="agencies"]/tbody/tr/@data-status')
    assert len(statuses) == len(stats["agencies"])

    out = tmp_path / "DEMO-2026.docx"
    done = runner.invoke(args=["report", "DEMO-2026", "--format", "docx", "--out", str(out)])
    assert done.exit_code == 0, done.output
    [pdf] = to_pdf([out], tmp_path / "pdf", tmp_path / "profile")
    text = "\n".join(pages_text(pdf))
    by_source = _between(text, "Kết quả theo nguồn", "V. KẾT QUẢ THEO LĨNH VỰC")
    assert [tuple(re.sub(r"\s+", " ", x) for x in m) for m in NUMBERS.findall(
        by_source)] == expected
    pooled = sum(p["n"] for p in [stats["overall"], *(
        s["overall"] for s in stats["sources"].values())])
    assert _num(pooled) not in text and _num(pooled) not in dash.text_content()
    # Mid-fieldwork, no agency has its sample: listed apart on both, ranked on neither.
    assert {a["status"] for a in stats["agencies"]} == {"insufficient"} == set(statuses)
    ranking = _between(text, "VI. KẾT QUẢ THEO CƠ QUAN", "Ghi chú: chỉ xếp hạng")
    assert not [m for m in map(RANK_ROW.match, ranking.splitlines()) if m]
    assert ranking.count("Chưa đủ mẫu") == len(stats["agencies"])

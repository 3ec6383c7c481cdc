"""The public results page: no sign-in, published surveys only, the statistics' own figures,
a PNG chart, a search without script, and nothing unpublished reachable."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from fieldwork.plans import operations_steps
from fieldwork.plans.models_docs import DocKind
from fieldwork.plans.models_workflow import Step, StepState
from fieldwork.reports import public_data
from fieldwork.reports.content import ci, num, pct
from fieldwork.stats.statistics import survey_statistics

from ..plans.helpers import pdf, put_in_state, upload
from ..quality.conftest import add_sheet
from ..stats.test_dataset import build

BASE = "/bao-cao-khao-sat"


def publish(db, survey, manager, filename: str = "bao-cao-ket-qua.pdf"):
    """Step 6 through the real operation: final report uploaded, issued, then published."""
    report = upload(survey, manager, DocKind.FINAL_REPORT, filename=filename,
                    data=pdf(f"final {survey.code}"))
    put_in_state(db, survey, Step.ACCEPTANCE, StepState.ISSUED)
    operations_steps.transition(survey, {"step": 6, "name": "publish"}, manager)
    db.session.commit()
    return report


@pytest.fixture()
def data(db, factory):
    """ST-1 (Sở Tư pháp 27/30, Sở Y tế 7/10), published from an uploaded report only."""
    d = build(db, factory)
    d.report = publish(db, d.survey, d.manager)
    return d


def _html(client, path: str) -> str:
    resp = client.get(path)
    assert resp.status_code == 200, (path, resp.status_code)
    return resp.get_data(as_text=True)


def _rows(page: str) -> dict[str, list[str]]:
    """The agency table of a page as {agency: [cell texts]}."""
    table = re.search(r'<table class="pub-table" id="agencies">(.*?)</table>', page, re.S)
    out = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)[1:]:
        cells = [re.sub(r"<[^>]+>", " ", c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>",
                                                                 row, re.S)]
        cells = [" ".join(c.split()) for c in cells]
        out[cells[1].split(" dưới ")[0]] = cells
    return out


def shown_rank(a: dict) -> str:
    """An agency's place as the public page prints it: the rank (range), or why none."""
    return a["rank"] or ("chưa đủ mẫu" if a.get("status") == "insufficient" else "—")


def test_anonymous_pages_show_the_statistics_figures(client, data):
    stats = survey_statistics(data.survey)
    o = stats["overall"]
    assert (o["n"], o["satisfied"]) == (40, 34)
    index = _html(client, f"{BASE}/")
    assert "Năm 2026" in index and data.survey.title in index
    for text in (pct(o["rate"]), "85,00%", num(o["n"]), ci(o["ci95"]), "bao-cao-ket-qua.pdf",
                 f'href="{BASE}/ST-1"', f'src="{BASE}/ST-1/bieu-do.png"'):
        assert text in index, text
    page = _html(client, f"{BASE}/ST-1")
    assert pct(o["rate"]) in page and ci(o["ci95"]) in page
    rows = _rows(page)
    assert set(rows) == {"Sở Tư pháp", "Sở Y tế"}
    for a in stats["agencies"]:
        rank, _name, n, rate, interval, _bar = rows[a["agency"]]
        assert (rank, n, rate, interval) == (shown_rank(a), num(a["n"]), pct(a["rate"]),
                                             ci(a["ci95"]))
    assert "dưới 80,00%" not in page  # no bands: the plan set none
    # Neither agency has its 169 forms yet: the chart says it is not a ranking.
    assert "biểu đồ không phải là xếp hạng" in page
    resp = client.get(f"{BASE}/st-1?q=y+te")
    assert resp.status_code == 301 and resp.headers["Location"].endswith(f"{BASE}/ST-1?q=y+te")
    with client.get(f"{BASE}/ST-1/{data.report.id}") as resp:
        assert resp.status_code == 200 and resp.data.startswith(b"%PDF")


def test_public_statistics_prefer_the_published_draft(app, client, db, factory):
    d = build(db, factory)
    from fieldwork.reports.drafts import create_draft
    draft = create_draft(d.survey, d.manager)
    db.session.commit()
    publish(db, d.survey, d.manager)
    pub = public_data.publication("st-1")
    found = public_data.published_draft(d.survey)
    assert found is not None and found.id == draft.id
    frozen = public_data.public_statistics(pub, found)
    assert frozen == draft.statistics and frozen["overall"]["n"] == 40
    # Data added after publication (it cannot happen through the app) never shows.
    add_sheet(db, d.survey, 99, agency=d.a, enumerator=d.lan, answers={"q01": ["no"]})
    db.session.commit()
    assert survey_statistics(d.survey)["overall"]["n"] == 41
    assert public_data.public_statistics(pub, found)["overall"]["n"] == 40
    page = _html(client, f"{BASE}/ST-1")
    assert pct(34 / 40) in page and pct(34 / 41) not in page
    roles = [role for role, _ in public_data.report_files(pub, found)]
    assert roles == ["final", "pdf"]
    assert f"{BASE}/ST-1/{draft.pdf.id}" in page
    with client.get(f"{BASE}/ST-1/{draft.pdf.id}") as resp:
        assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    # The editable Word file is the contractor's, not the public's.
    assert f"{BASE}/ST-1/{draft.docx.id}" not in page
    with client.get(f"{BASE}/ST-1/{draft.docx.id}") as resp:
        assert resp.status_code == 404


def test_without_a_draft_the_closed_surveys_own_statistics(data):
    pub = public_data.publication("ST-1")
    assert public_data.published_draft(data.survey) is None
    assert public_data.public_statistics(pub) == survey_statistics(data.survey)
    assert [role for role, _ in public_data.report_files(pub)] == ["final"]


def test_without_a_draft_the_public_figures_follow_the_data_revision(client, db, data):
    """The cache of the public statistics is keyed by the data revision too: an answer
    approved after publication (an import, a late approval) shows at once, not after a
    restart."""
    pub = public_data.publication("ST-1")
    assert public_data.public_statistics(pub)["overall"]["n"] == 40
    assert pct(34 / 40) in _html(client, f"{BASE}/ST-1")
    add_sheet(db, data.survey, 99, agency=data.a, enumerator=data.lan, answers={"q01": ["no"]})
    db.session.commit()
    assert public_data.public_statistics(pub)["overall"]["n"] == 41
    page = _html(client, f"{BASE}/ST-1")
    assert pct(34 / 41) in page and pct(34 / 40) not in page


def test_chart_is_a_png_of_the_ranked_agencies(client, data):
    resp = client.get(f"{BASE}/ST-1/bieu-do.png")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    img = Image.open(io.BytesIO(resp.data))
    img.load()
    assert img.format == "PNG" and img.size[0] == 1050 and 300 <= img.size[1] <= 600
    etag = resp.headers["ETag"]
    snapshot = survey_statistics(data.survey)["snapshot"]
    assert snapshot in etag and "public" in resp.headers["Cache-Control"]
    again = client.get(f"{BASE}/ST-1/bieu-do.png", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    stats = public_data.public_statistics(public_data.publication("ST-1"))
    assert public_data.chart_png(stats) is public_data.chart_png(stats)  # cached


def test_chart_shows_the_lowest_agencies_when_there_are_many():
    stats = {"snapshot": "x", "agencies": [
        {"agency": f"Phường {i:02d}", "rate": i / 100} for i in range(50)] + [
        {"agency": "Chưa có phiếu", "rate": None}]}
    rows, lowest = public_data.chart_rows(stats)
    assert lowest and len(rows) == public_data.CHART_AGENCIES and rows[0][1] == 0.0
    assert max(r for _, r in rows) == 0.39
    assert public_data.chart_rows({"agencies": []}) == ([], False)
    assert public_data.chart_png({"snapshot": "y", "agencies": []}) is None


def test_unpublished_surveys_never_appear(client, db, factory):
    data = build(db, factory)
    minutes = upload(data.survey, data.manager, DocKind.MINUTES, filename="bien-ban.pdf")
    publish(db, data.survey, data.manager)
    other = factory.agency("Phường Hải Châu")
    hidden = factory.survey("HIDDEN-2026", agencies=[other])
    hidden.title = "Khảo sát chưa công bố"
    issued = factory.survey("ISSUED-2025", agencies=[other], year=2025)
    final = upload(issued, data.manager, DocKind.FINAL_REPORT, filename="chua-cong-bo.pdf")
    put_in_state(db, issued, Step.ACCEPTANCE, StepState.ISSUED)
    db.session.commit()
    index = _html(client, f"{BASE}/")
    for text in ("HIDDEN-2026", "Khảo sát chưa công bố", "ISSUED-2025", "chua-cong-bo.pdf",
                 "Năm 2025", "bien-ban.pdf"):
        assert text not in index, text
    for code in ("HIDDEN-2026", "ISSUED-2025", "hidden-2026"):
        for path in (f"{BASE}/{code}", f"{BASE}/{code}/bieu-do.png",
                     f"{BASE}/{code}/{final.id}", f"{BASE}/{code}?q=a"):
            assert client.get(path).status_code == 404, path
    # A published survey serves only its published files, never another of its documents
    # nor another survey's report under its code.
    assert client.get(f"{BASE}/ST-1/{minutes.id}").status_code == 404
    assert client.get(f"{BASE}/ST-1/{final.id}").status_code == 404


@pytest.mark.parametrize("path", ["/NOPE", "/NOPE/bieu-do.png", "/NOPE/1", "/ST-1/999999",
                                  "/ST-1/bieu-do.svg", "/%C3%A9%00", "/ST-1/-1", "/ST-1/x/y",
                                  "/ST-1%0A", "/ST-1%00/bieu-do.png", "/" + "A" * 300])
def test_bad_addresses_are_a_404_page(client, data, path):
    resp = client.get(BASE + path)
    assert resp.status_code == 404
    body = resp.get_data(as_text=True)
    assert "Traceback" not in body and "Không tìm thấy" in body


def test_search_finds_an_agency_without_diacritics(client, data):
    assert set(_rows(_html(client, f"{BASE}/ST-1?q=tu+phap"))) == {"Sở Tư pháp"}
    assert set(_rows(_html(client, f"{BASE}/ST-1?q=Y%20T%E1%BA%BE"))) == {"Sở Y tế"}
    assert set(_rows(_html(client, f"{BASE}/ST-1?q=%20%20"))) == {"Sở Tư pháp", "Sở Y tế"}
    page = _html(client, f"{BASE}/ST-1?q=" + "x" * 5000 + "<script>")
    assert 'id="no-match"' in page and "<script>" not in page.split("</nav>", 1)[1]
    page = _html(client, f"{BASE}/ST-1?q=%3Cb%3Eso")
    assert "&lt;b&gt;so" in page and "<b>so" not in page


def test_fold_and_find():
    assert public_data.fold("  Phường HẢI   Châu ") == "phuong hai chau"
    assert public_data.fold("Đặc khu Hoàng Sa") == "dac khu hoang sa"
    rows = [{"agency": "Phường Hải Châu"}, {"agency": "Xã Hòa Vang"}, {"agency": None}]
    assert public_data.find_agencies(rows, "chau hai") == rows[:1]
    assert public_data.find_agencies(rows, "HOA") == rows[1:2]
    assert public_data.find_agencies(rows, "") == rows


def test_pages_keep_to_a_strict_content_security_policy(client, data):
    for path in (f"{BASE}/", f"{BASE}/ST-1", f"{BASE}/ST-1?q=y"):
        page = _html(client, path)
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), path  # no inline script
        assert not re.search(r"\son[a-z]+\s*=", page), path  # no inline handlers
        assert " style=" not in page and "data:" not in page, path
        assert "http://" not in page and "https://" not in page, path  # no CDN
        assert 'href="/static/public.css"' in page
        assert 'name="viewport"' in page


def test_a_survey_published_from_an_upload_without_answers(client, db, factory):
    manager = factory.user("manager")
    old = factory.survey("OLD-2024", year=2024)
    publish(db, old, manager, "bao-cao-2024.pdf")
    index = _html(client, f"{BASE}/")
    assert "Năm 2024" in index and "bao-cao-2024.pdf" in index
    assert "OLD-2024/bieu-do.png" not in index
    page = _html(client, f"{BASE}/OLD-2024")
    assert "Số liệu của cuộc khảo sát này có trong các tệp báo cáo." in page
    assert 'id="agencies"' not in page and 'name="q"' not in page
    assert client.get(f"{BASE}/OLD-2024/bieu-do.png").status_code == 404


def test_years_newest_first_with_navigation(client, db, factory, data):
    manager = factory.user("manager")
    for code, year in (("A-2024", 2024), ("B-2025", 2025)):
        publish(db, factory.survey(code, year=year), manager, f"{code}.pdf")
    index = _html(client, f"{BASE}/")
    assert [int(y) for y in re.findall(r'<section class="pub-year" id="nam-(\d+)"', index)] == [
        2026, 2025, 2024]
    assert all(f'href="#nam-{y}"' in index for y in (2024, 2025, 2026))

"""One truth per figure: the statistics page, the report (ranking and annex), the export and
the public page show an agency's n, rate, interval and rank from the same call
(``survey_statistics`` with the same ``Filter``), and "below the required sample" is the
fieldwork progress's own count (``plans.progress.progress``)."""

from __future__ import annotations

import csv
import re

import pytest

from fieldwork.plans.progress import progress
from fieldwork.reports.content import Header, Table, build_content, ci, num, pct
from fieldwork.reports.operations import report_statistics
from fieldwork.stats import dataset as dataset_module
from fieldwork.stats import statistics
from fieldwork.stats.filters import Filter
from fieldwork.stats.statistics import survey_statistics
from fieldwork.stats.summary import INSUFFICIENT, RANKED

from ..conftest import login
from ..factories import PASSWORD
from ..quality.conftest import add_sheet
from ..reports.test_public import BASE, publish, shown_rank
from ..reports.test_public import _rows as public_rows
from .test_sources import city  # noqa: F401  (the fixture)


def _cells(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table[^>]*id="{table_id}"[^>]*>(.*?)</table>', html, re.S).group(1)
    out = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]:
        cells = [" ".join(re.sub(r"<[^>]+>", " ", c).split())
                 for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        out.append(cells)
    return out


@pytest.fixture()
def calls(monkeypatch):
    """Every call of ``survey_statistics`` and of ``dataset`` (the real functions, watched)
    made by callers that look them up when they run, with its filter."""
    seen: list[tuple[str, Filter]] = []
    real_stats, real_data = statistics.survey_statistics, dataset_module.dataset

    def stats_spy(survey, flt=None):
        seen.append(("survey_statistics", flt or Filter()))
        return real_stats(survey, flt)

    def data_spy(survey, flt=None, *args):
        seen.append(("dataset", flt or Filter()))
        return real_data(survey, flt, *args)
    monkeypatch.setattr(statistics, "survey_statistics", stats_spy)
    monkeypatch.setattr(dataset_module, "dataset", data_spy)
    return seen


def test_page_report_export_and_public_page_show_the_same_figures(
        city, client, runner, db, factory, tmp_path, calls):  # noqa: F811
    manager = factory.user("manager")
    publish(db, city.survey, manager)
    stats = survey_statistics(city.survey)
    by = {a["agency"]: a for a in stats["agencies"]}
    assert by["Sở Y tế"]["rank"] == "1" and by["Sở Xây dựng"]["status"] == INSUFFICIENT

    # The statistics page.
    login(client, manager.email, PASSWORD)
    page = client.get(f"/stats/{city.survey.code}").get_data(as_text=True)
    shown = {c[1]: c for c in _cells(page, "agencies")}
    assert set(shown) == set(by)
    for name, a in by.items():
        rank, _name, n, satisfied, rate, interval, _required = shown[name]
        assert (n, satisfied, rate, interval) == (num(a["n"]), num(a["satisfied"]),
                                                  pct(a["rate"]), ci(a["ci95"]))
        if a["rank"]:
            assert rank == a["rank"]

    # The report: ranking table and annex.
    report, _total = report_statistics(city.survey)
    header = Header(survey_title="Khảo sát 2026", year=2026, issuing_body="TTKS",
                    date_line="Đà Nẵng", population=None)
    content = build_content(report, header, with_charts=False)
    ranking = next(b for s in content.sections if s.heading == "KẾT QUẢ THEO CƠ QUAN, ĐƠN VỊ"
                   for b in s.blocks if isinstance(b, Table))
    for place, name, n, satisfied, rate, interval, _mark in ranking.rows[1:]:
        a = by[name]
        assert (place, n, satisfied, rate, interval) == (
            a["rank"] or "—", num(a["n"]), num(a["satisfied"]), pct(a["rate"]), ci(a["ci95"]))
    annex = next(s for s in content.sections if s.heading.startswith("PHỤ LỤC 1")).blocks[0]
    for _i, name, required, n, rate, interval, *_margins in annex.rows[1:]:
        a = by[name]
        assert (n, rate, interval) == (num(a["n"]), pct(a["rate"]), ci(a["ci95"]))
        assert required == num(a["adequacy"]["required"])

    # The export: its rows answering the overall question are the statistics' n.
    out = tmp_path / "x.csv"
    res = runner.invoke(args=["export", city.survey.code, "--format", "csv", "--out", str(out)])
    assert res.exit_code == 0, res.output
    with open(out, encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if r["satisfied"] != ""]
    for name, a in by.items():
        mine = [r for r in rows if r["agency"] == name]
        assert (len(mine), sum(int(r["satisfied"]) for r in mine)) == (a["n"], a["satisfied"])

    # The public page.
    public = public_rows(client.get(f"{BASE}/{city.survey.code}").get_data(as_text=True))
    for name, a in by.items():
        rank, _name, n, rate, interval, _bar = public[name]
        assert (rank, n, rate, interval) == (shown_rank(a), num(a["n"]), pct(a["rate"]),
                                             ci(a["ci95"]))

    # Each asked the same function with the same (headline) filter: the page, the report and
    # the public page the statistics, the export the dataset those statistics are made of.
    assert {f for _, f in calls} == {Filter()}
    assert [name for name, _ in calls].count("survey_statistics") >= 3
    assert ("dataset", Filter()) in calls


def test_below_sample_is_the_progress_count(city, db, factory):  # noqa: F811
    # 54 more approved sheets at Sở Xây dựng that leave the overall question blank: the
    # progress counts 254 approved of 254 required (met); the rate is still 150 of 200.
    lan = factory.user("enumerator")
    for serial in range(10_001, 10_055):
        add_sheet(db, city.survey, serial, agency=city.xd, enumerator=lan, phone=None,
                  cid=None, answers={"q02": ["b"]})
    db.session.commit()
    met = {ap.agency.name: ap.met for ap in progress(city.survey)[0]}
    assert met == {"Sở Xây dựng": True, "Sở Y tế": True, "Văn phòng UBND thành phố": False,
                   "Sở Công Thương": True}
    stats = survey_statistics(city.survey)
    by = {a["agency"]: a for a in stats["agencies"]}
    xd = by["Sở Xây dựng"]
    assert (xd["n"], xd["satisfied"], xd["status"]) == (200, 150, RANKED)
    assert xd["adequacy"]["collected"] == 254 and xd["adequacy"]["met"]
    assert {name: a["adequacy"]["met"] for name, a in by.items()} == met
    assert stats["ranking"]["below_sample"] == sum(not m for m in met.values()) == 1
    # Another source's view is not the progress's: its own n counts there.
    online = {a["agency"]: a for a in stats["sources"]["city_online"]["agencies"]}
    assert online["Sở Xây dựng"]["adequacy"]["collected"] == 800


def test_the_public_page_leads_with_the_independent_survey_and_marks_only_the_plans_bands(
        city, client, db, factory):  # noqa: F811
    publish(db, city.survey, factory.user("manager"))
    url = f"{BASE}/{city.survey.code}"
    page = client.get(url).get_data(as_text=True)
    stats = survey_statistics(city.survey)
    # The headline is the paper survey's 612 answers, the city software's 800 beside it.
    sources = _cells(page, "sources")
    assert sources == [
        ["Khảo sát độc lập (đơn vị khảo sát)", num(612), pct(stats["overall"]["rate"]),
         ci(stats["overall"]["ci95"])],
        ["Phần mềm khảo sát trực tuyến của thành phố", num(800), "100,00%",
         ci(stats["sources"]["city_online"]["overall"]["ci95"])]]
    # Ranks are ranges by a stated method; short agencies say so; no bands by default.
    assert "hiệu chỉnh Holm" in page and 'id="bands-note"' not in page
    assert "biểu đồ không phải là xếp hạng" not in page  # two agencies are ranked
    assert "Đường nét đứt" not in page and "low=" not in page
    assert public_rows(page)["Văn phòng UBND thành phố"][0] == "chưa đủ mẫu"


def test_the_public_page_marks_the_bands_the_plan_set_and_says_whose(
        city, client, db, factory):  # noqa: F811
    from fieldwork.plans.operations import set_bands

    set_bands(city.survey, {"bands": "80", "bands_source": "theo Kế hoạch số 12/KH-TTKS"},
              "test")
    db.session.commit()
    publish(db, city.survey, factory.user("manager"))
    page = client.get(f"{BASE}/{city.survey.code}").get_data(as_text=True)
    note = re.search(r'id="bands-note">(.*?)</span>', page, re.S).group(1)
    assert "dưới 80,00%" in note and "theo Kế hoạch số 12/KH-TTKS" in note
    assert public_rows(page)["Sở Công Thương"][1] == "Sở Công Thương dưới 80,00%"  # 75 %
    assert public_rows(page)["Sở Y tế"][1] == "Sở Y tế"
    assert "Đường nét đứt: các ngưỡng theo kế hoạch, 80,00%." in page


def test_the_charts_show_ranked_agencies_only_and_say_so_when_none_is(city):  # noqa: F811
    from fieldwork.reports import dashboard, public_data
    from fieldwork.reports.content import agency_chart_rows

    stats = survey_statistics(city.survey)
    rows, caption = agency_chart_rows(stats)
    # Sở Xây dựng (75 %, 200 of 254) and the 12-answer office are short: no bar for them.
    assert rows == [("Sở Y tế", 0.9), ("Sở Công Thương", 0.75)] and "đã đủ cỡ mẫu" in caption
    assert public_data.chart_rows(stats) == (rows, False)
    assert "agencies" in dashboard.available(stats)
    short = {**stats, "agencies": [{**a, "status": INSUFFICIENT, "rank": None}
                                   for a in stats["agencies"]]}
    rows, caption = agency_chart_rows(short)
    assert len(rows) == 4 and "không xếp hạng" in caption

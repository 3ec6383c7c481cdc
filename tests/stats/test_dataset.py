"""The analysis dataset: approved sheets only, pure summaries, reproducible snapshot ids, other
sources beside the independent survey."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from fieldwork.entry.models import ReviewState
from fieldwork.forms import operations as forms_ops
from fieldwork.stats.dataset import dataset, overall_item, satisfied_flag, snapshot_id
from fieldwork.stats.filters import Filter
from fieldwork.stats.proportions import satisfaction_rate, wilson_interval
from fieldwork.stats.statistics import survey_statistics
from fieldwork.stats.summary import summarise

from ..quality.conftest import add_sheet


def build(db, factory) -> SimpleNamespace:
    """Survey ST-1: agency A 30 approved sheets (27 satisfied), agency B 10 (7 satisfied),
    plus one rejected and one received sheet (both dissatisfied) that must not count."""
    manager, reviewer = factory.user("manager"), factory.user("home_affairs")
    lan = factory.user("enumerator", name="Nguyễn Thị Lan")
    agency_user = factory.user("agency")
    a, b = factory.agency("Sở Tư pháp"), factory.agency("Sở Y tế")
    survey = factory.survey("ST-1", agencies=[a, b])
    v = forms_ops.create_from_template(survey, "danang-2025", manager)
    forms_ops.transition(v, "submit", manager)
    forms_ops.transition(v, "approve", reviewer, "Đồng ý")
    survey.version = v
    serial = 0

    def sheet(agency, satisfied, state=ReviewState.APPROVED, reasons=()):
        nonlocal serial
        serial += 1
        answers = {"q01": ["yes" if satisfied else "no"], "q02": list(reasons),
                   "q03": ["Tốt"], "agency": [agency.name]}
        return add_sheet(db, survey, serial, agency=agency, enumerator=lan, state=state,
                         answers=answers)

    for i in range(30):
        sheet(a, i >= 3, reasons=("reason_a", "reason_c") if i < 3 else ())
    for i in range(10):
        sheet(b, i >= 3, reasons=("reason_c",) if i < 3 else ())
    sheet(a, False, ReviewState.REJECTED, ("reason_e",))
    sheet(a, False, ReviewState.RECEIVED, ("reason_e",))
    db.session.commit()
    return SimpleNamespace(survey=survey, a=a, b=b, manager=manager, lan=lan,
                           agency_user=agency_user, version=v)


@pytest.fixture()
def data(db, factory):
    """The ST-1 survey and its people."""
    return build(db, factory)


def test_rows_come_from_approved_sheets_only(data):
    got = dataset(data.survey)
    rows, meta = got.rows, got.meta
    assert len(rows) == 40 and {r["source"] for r in rows} == {"independent"}
    assert sum(r["satisfied"] for r in rows) == 34
    assert {r["channel"] for r in rows} == {"paper_keyed"}
    assert all("reason_e" not in r["reasons"] for r in rows)
    assert meta["reason_codes"][0] == "reason_a"


def test_statistics_equal_the_pure_functions(data):
    result = survey_statistics(data.survey)
    overall = satisfaction_rate(["yes"] * 34 + ["no"] * 6, population=2000)
    assert result["overall"]["n"] == 40 and result["overall"]["satisfied"] == 34
    assert result["overall"]["rate"] == pytest.approx(0.85)
    assert result["overall"]["ci95"] == pytest.approx(list(overall.ci95))
    agencies = {x["agency"]: x for x in result["agencies"]}
    assert agencies["Sở Tư pháp"]["rate"] == pytest.approx(0.9)
    assert agencies["Sở Tư pháp"]["ci95"] == pytest.approx(
        list(wilson_interval(27, 30, population=1000)))
    # N = 1000 each needs 169 forms (Decision 2223, e = 7%): both are short, so neither is
    # ranked; they are listed apart, best rate first, and no band marks them (none set).
    assert [(x["agency"], x["status"], x["rank"]) for x in result["agencies"]] == [
        ("Sở Tư pháp", "insufficient", None), ("Sở Y tế", "insufficient", None)]
    assert agencies["Sở Y tế"]["below"] is None and result["bands"] is None
    assert agencies["Sở Y tế"]["adequacy"] == {"collected": 10, "required": 169,
                                              "shortfall": 159, "met": False,
                                              "share": pytest.approx(10 / 169)}
    reasons = {r["code"]: r["count"] for r in result["reasons"]}
    assert reasons["reason_c"] == 6 and reasons["reason_a"] == 3 and reasons["reason_e"] == 0


def test_snapshot_is_stable_and_changes_with_the_data(data, db):
    first = survey_statistics(data.survey)["snapshot"]
    assert survey_statistics(data.survey)["snapshot"] == first
    add_sheet(db, data.survey, 99, agency=data.a, enumerator=data.lan,
              answers={"q01": ["no"]})
    assert survey_statistics(data.survey)["snapshot"] != first


def test_pure_helpers():
    qs = [SimpleNamespace(code="overall")]
    item = overall_item(qs)
    assert item == ("overall", ("4", "5"))
    assert satisfied_flag({"overall": ["4"]}, item) is True
    assert satisfied_flag({"overall": ["3"]}, item) is False
    assert satisfied_flag({"overall": []}, item) is None
    assert overall_item([SimpleNamespace(code="x")]) is None
    rows = [{"serial": 1, "channel": "online", "agency": "A", "field": None, "version": None,
             "satisfied": True, "reasons": []},
            {"serial": 2, "channel": "paper_omr", "agency": "A", "field": None, "version": 1,
             "satisfied": None, "reasons": []}]
    assert snapshot_id(rows) == snapshot_id(list(reversed(rows)))
    assert [r for r in rows if Filter(channels=("online",)).keeps(r)] == rows[:1]
    s = summarise(rows)
    assert s["overall"]["n"] == 1 and s["overall"]["blank"] == 1 and s["overall"]["sheets"] == 2


def test_imported_results_stand_beside_the_independent_survey(data, db):
    from datetime import date

    from fieldwork.imports.models import Channel, ImportedResponse, ImportRun
    from fieldwork.stats.rows import form_reason
    assert form_reason("dd") == "reason_dd" and form_reason("other") == "other"
    run = ImportRun(survey_id=data.survey.id, source="city_online", channel=Channel.ONLINE,
                    file_name="x.csv", file_sha256="0" * 64, file_format="csv")
    db.session.add(run)
    db.session.flush()
    for i, ok in enumerate([True, False]):
        db.session.add(ImportedResponse(
            survey_id=data.survey.id, run_id=run.id, source="city_online",
            channel=Channel.ONLINE, agency_id=data.b.id, response_date=date(2026, 3, 1),
            satisfied=ok, reasons=[] if ok else ["c", "dd"], fingerprint=f"fp{i}"))
    db.session.flush()
    both = survey_statistics(data.survey)
    # The headline is the independent survey alone; the online answers stand beside it.
    assert both["overall"]["n"] == 40 and both["overall"]["satisfied"] == 34
    assert {c["group"]: c["n"] for c in both["channels"]} == {"paper_keyed": 40}
    online = both["sources"]["city_online"]
    assert (online["overall"]["n"], online["overall"]["satisfied"]) == (2, 1)
    assert {r["code"]: r["count"] for r in online["reasons"]}["reason_c"] == 1
    assert both["sources"]["call_centre"]["overall"]["n"] == 0
    assert {r["code"]: r["count"] for r in both["reasons"]}["reason_c"] == 6
    alone = survey_statistics(data.survey, Filter(source="city_online"))
    assert alone["overall"]["n"] == 2 and alone["sources"]["independent"]["overall"]["n"] == 40
    pooled = survey_statistics(data.survey, Filter(combined=True))
    assert pooled["overall"]["n"] == 42 and pooled["view"]["combined"] is True
    assert pooled["view"]["method"].startswith("pooled")
    assert {c["group"]: c["n"] for c in pooled["by_source"]} == {"independent": 40,
                                                                  "city_online": 2}
    assert pooled["snapshot"] != both["snapshot"]


def test_sipas_overall_levels_4_and_5_are_satisfied(db, factory, tmp_path):
    from fieldwork.stats.exports import export_table, write_table

    manager, reviewer = factory.user("manager"), factory.user("home_affairs")
    lan = factory.user("enumerator")
    a = factory.agency("Phường Hải Châu")
    survey = factory.survey("SP-1", agencies=[a])
    v = forms_ops.create_from_template(survey, "sipas", manager)
    forms_ops.transition(v, "submit", manager)
    forms_ops.transition(v, "approve", reviewer, "Đồng ý")
    survey.version = v
    for serial, level in enumerate(["5", "4", "2", "3"], 1):
        add_sheet(db, survey, serial, agency=a, enumerator=lan,
                  answers={"overall": [level], "access_1": ["na"]})
    result = survey_statistics(survey)
    assert (result["overall"]["n"], result["overall"]["satisfied"]) == (4, 2)
    table = export_table(survey)
    access = next(v for v in table.variables if v.name == "access_1")
    assert access.value_labels[9] == "Không áp dụng" and access.missing == (9,)
    assert access.measure == "ordinal" and access.value_labels[5] == "Rất hài lòng"
    assert [r["overall"] for r in table.rows] == [5, 4, 2, 3]
    import pyreadstat
    write_table(table, "sav", tmp_path / "sp.sav")
    df, meta = pyreadstat.read_sav(str(tmp_path / "sp.sav"))
    assert meta.variable_value_labels["overall"][5.0] == "Rất hài lòng"


def test_agency_without_answers_shows_its_shortfall():
    rows = [{"serial": 1, "channel": "paper_keyed", "agency": "A", "field": None,
             "version": 1, "satisfied": True, "reasons": []}]
    out = summarise(rows, required={"A": 3, "B": 5})
    by = {a["agency"]: a for a in out["agencies"]}
    assert by["A"]["adequacy"]["shortfall"] == 2
    assert by["B"]["n"] == 0 and by["B"]["adequacy"]["shortfall"] == 5


def test_planned_margin_beside_the_achieved_one(data):
    from fieldwork.plans.sampling import margin_2223
    from fieldwork.reports.content import annex_table
    from fieldwork.reports.operations import find_agency, report_statistics
    result = survey_statistics(data.survey)
    agencies = {x["agency"]: x for x in result["agencies"]}
    # N = 1000 per agency: Decision 2223 sets a 7% margin for N <= 2,000.
    assert agencies["Sở Tư pháp"]["margin_planned"] == pytest.approx(float(margin_2223(1000)))
    assert agencies["Sở Tư pháp"]["margin_planned"] == pytest.approx(0.07)
    table = annex_table(result)
    assert table.rows[0][6:] == ["Sai số kế hoạch", "Sai số đạt được"]
    row = next(r for r in table.rows if r[1] == "Sở Tư pháp")
    assert row[6] == "±7,00%"
    one, _ = report_statistics(data.survey, agency=find_agency("Sở Tư pháp"))
    assert one["agencies"][0]["margin_planned"] == pytest.approx(0.07)


def test_with_planned_margins_is_pure():
    from fieldwork.stats.statistics import with_planned_margins
    stats = {"agencies": [{"agency": "A"}, {"agency": "B"}]}
    assert with_planned_margins(stats, {"A": 0.05}) is stats
    assert stats["agencies"] == [{"agency": "A", "margin_planned": 0.05}, {"agency": "B"}]

"""Online and kiosk answers (the city online source) beside the independent paper survey,
never pooled into it; a dossier counted once within its source and in each source; online
signals, repeats and cross-source overlaps in the integrity report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fieldwork.online.models import OnlineChannel
from fieldwork.online.operations import submit_answer
from fieldwork.quality.report import integrity_rows
from fieldwork.stats.dataset import dataset
from fieldwork.stats.filters import Filter
from fieldwork.stats.statistics import survey_statistics

from ..quality.conftest import add_sheet
from .conftest import answer

# Tuesday 10 March 2026, 09:00-10:00 in Vietnam.
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def paper(db, world, serial, dossier, satisfied=True, at=NOW - timedelta(days=1)):
    world.survey.version = world.version
    return add_sheet(db, world.survey, serial, agency=world.a, enumerator=world.manager,
                     at=at, answers={"q01": ["yes" if satisfied else "no"],
                                     "dossier_code": [dossier] if dossier else [],
                                     "agency": [world.a.name]})


def web(world, raw, channel=OnlineChannel.ONLINE, device="d" * 64, at=NOW):
    return submit_answer(world.survey, world.a.id, 1, raw, channel, device, at)


def test_online_answers_sit_beside_paper_never_pooled_and_counted_in_each_source(db, world):
    paper(db, world, 1, "hs-0001", satisfied=True)
    paper(db, world, 2, None, satisfied=True)
    paper(db, world, 3, "HS-9000", satisfied=False)
    web(world, answer(dossier_code="HS-0001", q01="no", q02=["reason_b"]))  # counted online
    web(world, answer(dossier_code="HS-0002", q01="yes"), OnlineChannel.KIOSK, "k" * 64)
    web(world, answer(dossier_code="", phone="0912345678", citizen_id="048123456789",
                      q01="no", q02=["reason_c"]))
    db.session.commit()
    stats = survey_statistics(world.survey)
    # The headline: the independent survey's three paper sheets only.
    assert stats["overall"]["n"] == 3 and stats["overall"]["satisfied"] == 2
    assert {c["group"]: c["n"] for c in stats["channels"]} == {"paper_keyed": 3}
    assert stats["channels_used"] == ["paper_keyed"]
    online = stats["sources"]["city_online"]
    assert (online["overall"]["n"], online["overall"]["satisfied"]) == (3, 1)
    assert {c["group"]: (c["n"], c["satisfied"]) for c in online["channels"]} == {
        "online": (2, 0), "kiosk": (1, 1)}
    assert {r["code"]: r["count"] for r in online["reasons"]}.get("reason_c") == 1
    # HS-0001 answered on paper and online: both count, each in its source; listed.
    assert stats["duplicates"]["count"] == 0
    assert stats["overlaps"]["count"] == 1
    overlap = stats["overlaps"]["rows"][0]
    assert overlap["dossier"] == "HS-0001" and overlap["disagree"] is True
    assert [(a["source"], a["serial"]) for a in overlap["answers"]] == [
        ("independent", 1), ("city_online", overlap["answers"][1]["serial"])]
    # Channels name their source: --channel kiosk is the city online source's kiosks.
    kiosk = survey_statistics(world.survey, Filter(source="city_online", channels=("kiosk",)))
    assert kiosk["overall"]["n"] == 1 and kiosk["source"] == "city_online"
    pooled = survey_statistics(world.survey, Filter(combined=True))
    assert pooled["overall"]["n"] == 6 and pooled["view"]["combined"]
    rows = dataset(world.survey, Filter(source="city_online")).rows
    assert sorted(str(r["serial"]).split("-")[0] for r in rows) == ["kiosk", "web", "web"]


def test_integrity_report_lists_online_signals_and_cross_channel_duplicates(db, world):
    paper(db, world, 1, "HS-0001")
    web(world, answer(dossier_code="HS-0001"))
    # A desk officer evaluating from their own phone: one device, office hours, satisfied.
    for i in range(5):
        web(world, answer(dossier_code="", phone=f"09{i:08d}", citizen_id=f"048{i:09d}"),
            device="s" * 64, at=NOW + timedelta(minutes=i))
    # One phone given for three dossiers (of two agencies), on different days and devices.
    for i, code in enumerate(("HS-0002", "HS-0003", "HS-0004")):
        web(world, answer(dossier_code=code, phone="0912 345 678"), device=f"{i}" * 64,
            at=NOW + timedelta(days=i + 1, hours=10))
    db.session.commit()
    web(world, answer(dossier_code="", phone="0905000001", citizen_id="048000000001"),
        device="t" * 64, at=NOW + timedelta(days=9))
    web(world, answer(dossier_code="", phone="0905000001", citizen_id="048000000001"),
        device="u" * 64, at=NOW + timedelta(days=10))
    db.session.commit()
    rows = {r.signal.kind: r for r in integrity_rows(world.survey.id)}
    assert {"dossier_sources", "dossier_twice", "online_device_burst",
            "online_office_satisfied", "online_phone_many"} <= set(rows)
    both = rows["dossier_sources"]
    assert "HS-0001" in both.detail_text and len(both.sheets) == 2
    # The paper sheet is named as printed, the online answer by the export's record key.
    assert sorted(s.serial_text[:4] for s in both.sheets) == ["0000", "web-"]
    assert "00000001" in [s.serial_text for s in both.sheets]
    twice = rows["dossier_twice"]  # same phone and citizen ID twice online: counted once
    assert len(twice.sheets) == 2 and "Nguồn" not in twice.detail_text
    burst = rows["online_device_burst"]
    assert len(burst.sheets) == 5 and burst.sheets[0].serial_text.startswith("web-")
    many = rows["online_phone_many"]
    assert len(many.sheets) == 3 and "3" in many.detail_text
    assert many.contact.endswith("678") and many.contact != "0912345678"  # masked


def test_integrity_page_shows_online_rows(client, db, world):
    from ..conftest import login
    from ..factories import PASSWORD

    for i in range(5):
        web(world, answer(dossier_code="", phone=f"09{i:08d}", citizen_id=f"048{i:09d}"),
            device="s" * 64, at=NOW + timedelta(minutes=i))
    db.session.commit()
    login(client, world.manager.email, PASSWORD)
    html = client.get(f"/quality/integrity?survey={world.survey.id}").get_data(as_text=True)
    assert "Trực tuyến: nhiều đánh giá từ một thiết bị" in html and "web-" in html


def test_stats_page_and_cli_show_sources_beside_and_tell_the_overlaps(client, runner, db,
                                                                      world):
    from ..conftest import login
    from ..factories import PASSWORD

    paper(db, world, 1, "hs-0001", satisfied=True)
    web(world, answer(dossier_code="HS-0001", q01="no", q02=["reason_b"]))
    web(world, answer(dossier_code="HS-0002", q01="yes"), OnlineChannel.KIOSK, "k" * 64)
    db.session.commit()
    login(client, world.manager.email, PASSWORD)
    html = client.get(f"/stats/{world.survey.code}").get_data(as_text=True)
    assert 'id="sources"' in html and 'id="overlaps"' in html
    res = runner.invoke(args=["stats", world.survey.code, "--channel", "kiosk", "--json"])
    assert res.exit_code == 0, res.output
    out = __import__("json").loads(res.output)
    assert out["source"] == "city_online" and out["overall"]["n"] == 1
    assert out["view"]["filter"]["channels"] == ["kiosk"]
    assert out["sources"]["independent"]["overall"]["n"] == 1


def test_an_online_answer_before_the_paper_one_displaces_nothing(db, world):
    # Issue 17's case: "Hài lòng" online on 1/3, the contractor's paper "Chưa hài lòng" on
    # 5/3 for the same dossier. Each counts in its own source; the pair is an integrity
    # signal, and the independent survey keeps its own (unsatisfied) answer.
    web(world, answer(dossier_code="HS-0003", q01="yes"), at=datetime(2026, 3, 1, 2, 0,
                                                                     tzinfo=UTC))
    world.survey.version = world.version
    add_sheet(db, world.survey, 5, agency=world.a, enumerator=world.manager,
              at=datetime(2026, 3, 5, 2, 0, tzinfo=UTC),
              answers={"q01": ["no"], "q02": ["reason_b"], "dossier_code": ["HS-0003"],
                       "survey_date": list("05032026")})
    db.session.commit()
    stats = survey_statistics(world.survey)
    assert (stats["overall"]["n"], stats["overall"]["satisfied"]) == (1, 0)
    assert {r["code"]: r["count"] for r in stats["reasons"]}["reason_b"] == 1
    online = stats["sources"]["city_online"]["overall"]
    assert (online["n"], online["satisfied"]) == (1, 1)
    assert stats["duplicates"]["count"] == 0
    (pair,) = stats["overlaps"]["rows"]
    assert pair["dossier"] == "HS-0003" and pair["disagree"]
    assert [(a["source"], a["date"], a["satisfied"]) for a in pair["answers"]] == [
        ("independent", "2026-03-05", False), ("city_online", "2026-03-01", True)]

"""Online and kiosk answers in the statistics beside paper, split by channel, each dossier
counted once across channels; online signals and cross-channel duplicates in the integrity
report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fieldwork.online.models import OnlineChannel
from fieldwork.online.operations import submit_answer
from fieldwork.quality.report import integrity_rows
from fieldwork.stats.dataset import load_rows, survey_statistics

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


def test_online_answers_sit_beside_paper_split_by_channel_and_counted_once(db, world):
    paper(db, world, 1, "hs-0001", satisfied=True)  # the paper came first
    paper(db, world, 2, None, satisfied=True)
    paper(db, world, 3, "HS-9000", satisfied=False)
    web(world, answer(dossier_code="HS-0001", q01="no", q02=["reason_b"]))  # later: not counted
    web(world, answer(dossier_code="HS-0002", q01="yes"), OnlineChannel.KIOSK, "k" * 64)
    web(world, answer(dossier_code="", phone="0912345678", citizen_id="048123456789",
                      q01="no", q02=["reason_c"]))
    db.session.commit()
    stats = survey_statistics(world.survey)
    assert stats["overall"]["n"] == 5 and stats["overall"]["satisfied"] == 3
    channels = {c["group"]: (c["n"], c["satisfied"]) for c in stats["channels"]}
    assert channels == {"paper_keyed": (3, 2), "online": (1, 0), "kiosk": (1, 1)}
    assert stats["channels_used"] == ["kiosk", "online", "paper_keyed"]
    dup = stats["duplicates"]
    assert dup["count"] == 1 and dup["rows"][0]["dossier"] == "HS-0001"
    assert dup["rows"][0]["channel"] == "online"
    assert dup["rows"][0]["counted_as"] == {"serial": 1, "channel": "paper_keyed",
                                            "date": "2026-03-09"}
    # Reasons of the counted online answer reach the reason table.
    assert {r["code"]: r["count"] for r in stats["reasons"]}.get("reason_c") == 1
    # Channels split or combined: online only still leaves out the paper-counted dossier.
    online_only = survey_statistics(world.survey, ["online"])
    assert online_only["overall"]["n"] == 1 and online_only["duplicates"]["count"] == 1
    kiosk_only = survey_statistics(world.survey, ["kiosk", "paper_keyed"])
    assert kiosk_only["overall"]["n"] == 4 and kiosk_only["duplicates"]["count"] == 0
    rows, meta = load_rows(world.survey)
    assert sorted(str(r["serial"]).split("-")[0] for r in rows
                  if r["channel"] != "paper_keyed") == ["kiosk", "web"]
    assert [d["serial"].split("-")[0] for d in meta["duplicates"]] == ["web"]


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
    rows = {r.signal.kind: r for r in integrity_rows(world.survey.id)}
    assert {"dossier_twice", "online_device_burst", "online_office_satisfied",
            "online_phone_many"} <= set(rows)
    twice = rows["dossier_twice"]
    assert "HS-0001" in twice.detail_text and len(twice.sheets) == 2
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


def test_stats_page_and_cli_split_by_channel_and_tell_the_duplicates(client, runner, db,
                                                                     world):
    from ..conftest import login
    from ..factories import PASSWORD

    paper(db, world, 1, "hs-0001", satisfied=True)
    web(world, answer(dossier_code="HS-0001", q01="no", q02=["reason_b"]))  # later: kept only
    web(world, answer(dossier_code="HS-0002", q01="yes"), OnlineChannel.KIOSK, "k" * 64)
    db.session.commit()
    login(client, world.manager.email, PASSWORD)
    html = client.get(f"/stats/{world.survey.code}").get_data(as_text=True)
    assert 'id="duplicates"' in html and "1 câu trả lời đến sau" in html
    res = runner.invoke(args=["stats", world.survey.code, "--channels", "kiosk", "--json"])
    assert res.exit_code == 0, res.output
    assert '"kiosk"' in res.output

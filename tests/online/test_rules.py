"""Pure rules: kiosk keys, limits, online integrity signals, counting a dossier once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fieldwork.online import rules
from fieldwork.online.rules import ResponseFacts
from fieldwork.stats.dataset import count_once, overlaps
from fieldwork.stats.rows import match_key

# Tuesday 10 March 2026, 09:00 in Vietnam.
T0 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def test_kiosk_key_names_survey_and_agency():
    key = rules.kiosk_key("s3cret", "DN-2026", 4)
    assert len(key) == 20 and rules.kiosk_key_ok("s3cret", "DN-2026", 4, key)
    assert not rules.kiosk_key_ok("s3cret", "DN-2026", 5, key)
    assert not rules.kiosk_key_ok("other", "DN-2026", 4, key)
    assert not rules.kiosk_key_ok("s3cret", "DN-2026", 4, "")
    assert rules.device_hash("s3cret", "abc") != rules.device_hash("s3cret", "abd")
    assert "abc" not in rules.device_hash("s3cret", "abc")


def test_over_limit_counts_only_the_window():
    times = [T0 - timedelta(hours=h) for h in (1, 2, 30)]
    assert not rules.over_limit(times, T0, 3)
    assert rules.over_limit(times, T0, 2)
    assert rules.over_limit(times[:1], T0, 1, timedelta(hours=2))
    assert not rules.over_limit(times[:1], T0, 1, timedelta(minutes=30))


def test_office_hours_are_vietnam_weekdays():
    assert rules.in_office_hours(T0)
    assert not rules.in_office_hours(T0 + timedelta(hours=12))  # 21:00
    assert not rules.in_office_hours(T0 + timedelta(days=4))  # Saturday


def facts(i, **kw):
    base = {"id": i, "created_at": T0 + timedelta(minutes=i), "agency_id": 1,
            "channel": "online", "device": f"dev{i}"}
    return ResponseFacts(**(base | kw))


def test_one_phone_for_many_dossiers_or_agencies():
    rows = [facts(i, phone="p1", dossier=f"HS-{i}") for i in range(3)]
    rows += [facts(10, phone="p2", agency_id=1), facts(11, phone="p2", agency_id=2)]
    rows += [facts(20, phone="p3", dossier="HS-20"), facts(21, phone="p3")]
    found = {s.detail["hash"]: s for s in rules.phone_many(rows)}
    assert set(found) == {"p1", "p2"}
    assert found["p1"].response_ids == [0, 1, 2] and found["p1"].detail["dossiers"] == 3
    assert found["p2"].detail["agencies"] == 2


def test_burst_from_one_device_but_not_from_a_kiosk():
    rows = [facts(i, device="A") for i in range(5)]  # five within 4 minutes
    rows += [facts(100 + i, device="B", created_at=T0 + timedelta(minutes=11 * i))
             for i in range(5)]  # spread out
    rows += [facts(200 + i, device="K", channel="kiosk") for i in range(9)]
    sig = rules.device_bursts(rows)
    assert [s.response_ids for s in sig] == [[0, 1, 2, 3, 4]] and sig[0].detail["count"] == 5


def test_one_device_always_satisfied_in_office_hours():
    staff = [facts(i, device="S", satisfied=True) for i in range(5)]
    evening = [facts(10 + i, device="E", satisfied=True,
                     created_at=T0 + timedelta(hours=11, minutes=i)) for i in range(5)]
    mixed = [facts(20 + i, device="M", satisfied=i != 2) for i in range(5)]
    sig = rules.office_hours_satisfied(staff + evening + mixed)
    assert [s.response_ids for s in sig] == [[0, 1, 2, 3, 4]]
    kinds = {s.kind for s in rules.online_signals(staff)}
    assert kinds == {"online_device_burst", "online_office_satisfied"}


SOURCE = {"online": "city_online", "kiosk": "city_online", "paper_keyed": "independent",
          "paper_omr": "independent", "call_centre": "call_centre"}


def row(serial, channel, dossier, date, agency="A", phone=None, cid=None, satisfied=True):
    return {"serial": serial, "channel": channel, "source": SOURCE[channel],
            "dossier": dossier, "date": date, "agency": agency, "satisfied": satisfied,
            "match": match_key(dossier, phone, cid)}


def test_a_dossier_counts_once_within_its_source_and_in_each_source():
    rows = [row("web-1", "online", "HS-1", "2026-03-01"),
            row(7, "paper_keyed", "HS-1", "2026-03-05", satisfied=False),
            row(8, "paper_omr", "HS-2", "2026-03-05"),
            row(11, "paper_keyed", "HS-2", "2026-03-04"),  # earlier: this one counts
            row("kiosk-2", "kiosk", "HS-2", "2026-03-05"),
            row(9, "paper_omr", None, "2026-03-05"),
            row(10, "paper_omr", None, "2026-03-05"),
            row("kiosk-3", "kiosk", "HS-3", None)]
    counted, dups = count_once(rows)
    # The online answer of 1/3 does not displace the paper answer of 5/3: both count, each
    # in its own source; only the second paper answer for HS-2 is left out (kept, listed).
    assert [r["serial"] for r in counted] == ["web-1", 7, 11, "kiosk-2", 9, 10, "kiosk-3"]
    assert [(d["serial"], d["counted_as"]["serial"]) for d in dups] == [(8, 11)]
    crossing = overlaps(counted)
    assert [(o["dossier"], [a["serial"] for a in o["answers"]], o["disagree"])
            for o in crossing] == [("HS-1", [7, "web-1"], True), ("HS-2", [11, "kiosk-2"], False)]
    assert count_once([]) == ([], [])


def test_phone_and_citizen_id_together_identify_never_the_phone_alone():
    household = [row(1, "paper_keyed", None, "2026-03-01", phone="p1", cid="c1"),
                 row(2, "paper_keyed", None, "2026-03-02", phone="p1", cid="c2"),
                 row(3, "paper_keyed", None, "2026-03-03", phone="p1", cid="c1"),
                 row(4, "paper_keyed", None, "2026-03-04", phone="p1")]
    counted, dups = count_once(household)
    assert [r["serial"] for r in counted] == [1, 2, 4]
    assert [(d["serial"], d["counted_as"]["serial"]) for d in dups] == [(3, 1)]

"""Integrity detectors (pure) and the manager's report page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fieldwork.quality.integrity import (
    SheetFacts,
    all_signals,
    batteries,
    duplicate_contacts,
    identical_bursts,
    outside_assignment,
    straight_lining,
)

from .conftest import add_sheet, sign_in

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
SAME = {"q01": ("no",), "q02": ("b", "c")}


def facts(i, minutes=0, who=1, answers=None, **kw):
    return SheetFacts(id=i, serial=i, created_at=T0 + timedelta(minutes=minutes),
                      enumerator_id=who, answers=SAME if answers is None else answers, **kw)


def test_duplicate_contacts():
    sheets = [facts(1, phone_hash="p1", cid_hash="c1"), facts(2, phone_hash="p1"),
              facts(3, phone_hash="p2", cid_hash="c1"), facts(4, phone_hash="p3")]
    found = {(s.kind, tuple(s.sheet_ids)) for s in duplicate_contacts(sheets)}
    assert found == {("duplicate_phone", (1, 2)), ("duplicate_cid", (1, 3))}


def background(n=40, start=1000):
    """Sheets by another enumerator with the survey's usual answer, spread over days."""
    return [facts(start + i, minutes=600 * i, who=9, answers={"q01": ("yes",)})
            for i in range(n)]


def test_burst_needs_enough_rare_identical_sheets_inside_the_window():
    burst = [facts(i, minutes=2 * i) for i in range(1, 6)]  # 5 in 10 minutes
    assert [s.sheet_ids for s in identical_bursts(burst + background())] == [[1, 2, 3, 4, 5]]
    spread = [facts(i, minutes=20 * i) for i in range(1, 6)]  # 5 over 100 minutes
    assert identical_bursts(spread + background()) == []
    varied = [facts(i, minutes=i, answers={"q01": (str(i),)}) for i in range(1, 6)]
    assert identical_bursts(varied + background()) == []
    two_people = [facts(i, minutes=i, who=i % 2) for i in range(1, 6)]
    assert identical_bursts(two_people + background()) == []


def test_a_batch_of_the_usual_answer_is_not_a_signal():
    usual = [facts(i, minutes=i, answers={"q01": ("yes",)}) for i in range(1, 15)]
    assert identical_bursts(usual + background()) == []
    assert identical_bursts(usual) == []  # p = 1: nothing unusual


def test_bursts_far_apart_are_separate_signals():
    sheets = [facts(i, minutes=i) for i in range(1, 6)] + \
             [facts(i, minutes=300 + i) for i in range(6, 12)]
    found = identical_bursts(sheets + background())
    assert [len(s.sheet_ids) for s in found] == [5, 6]
    assert found[0].detail["enumerator_id"] == 1


def test_batteries_and_straight_lining():
    scale = ["1", "2", "3", "4", "5"]
    questions = [(f"s{i}", "single", scale) for i in range(6)] + [
        ("q01", "single", ["yes", "no"]), ("txt", "text", [])]
    groups = batteries(questions)
    assert groups == [[f"s{i}" for i in range(6)]]
    flat = facts(1, answers={f"s{i}": ("4",) for i in range(6)})
    varied = facts(2, answers={**{f"s{i}": ("4",) for i in range(5)}, "s5": ("3",)})
    partial = facts(3, answers={f"s{i}": ("4",) for i in range(4)})
    found = straight_lining([flat, varied, partial], groups)
    assert [s.sheet_ids for s in found] == [[1]] and found[0].detail["value"] == "4"
    assert batteries(questions[:4]) == []


def test_outside_assignment_and_all():
    sheets = [facts(1), facts(2, in_assignment=False)]
    assert [s.sheet_ids for s in outside_assignment(sheets)] == [[2]]
    assert {s.kind for s in all_signals(sheets)} == {"outside_assignment"}


def test_report_page_lists_signals_masked(client, db, survey, agencies, people):
    lan = people["lan"]
    for i in range(1, 7):  # six identical sheets in six minutes, two sharing a phone
        add_sheet(db, survey, i, agency=agencies[0], enumerator=lan,
                  at=T0 + timedelta(minutes=i), phone="0912345123" if i <= 2 else "auto",
                  answers={"q01": ["no"], "q02": ["b"]})
    add_sheet(db, survey, 7, agency=agencies[1], enumerator=people["hung"],
              in_assignment=False)
    for i in range(8, 40):  # the usual answers, keyed over days
        add_sheet(db, survey, i, agency=agencies[1], enumerator=people["hung"],
                  at=T0 + timedelta(hours=5 * i))
    db.session.commit()
    sign_in(client, people["manager"])
    html = client.get(f"/quality/integrity?survey={survey.id}").get_data(as_text=True)
    assert "09xx xxx 123" in html and "0912345123" not in html
    assert html.count("00000001") >= 2  # sheet 1 is in the duplicate and the burst signal
    assert "00000007" in html
    sign_in(client, people["recheck"])
    assert client.get("/quality/integrity").status_code == 403

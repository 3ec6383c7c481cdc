"""Outcomes of drawn dossiers, replacements from the reserves, and AAPOR RR1/RR2."""

from __future__ import annotations

import io
from fractions import Fraction

import pytest
from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.errors import OperationError
from fieldwork.frames import outcomes as ops
from fieldwork.frames import responses
from fieldwork.frames.lists import CALL_COLUMNS, call_rows, to_csv
from fieldwork.frames.models import FrameDrawItem, Outcome
from fieldwork.frames.operations_draw import apply_counts, make_draw

from .conftest import run_import
from .helpers import dossier, frame_csv


def test_rates_by_hand_on_a_mixed_draw():
    """5 answered, 1 in part, 2 refused, 1 not reachable, 1 ineligible, 2 without outcome:
    the ineligible case leaves the denominator, the 2 unknown stay in it (e = 1):
    RR1 = 5 / (5 + 1 + 2 + 1 + 2) = 5/11 = 45.45 %; RR2 = 6/11 = 54.55 %."""
    cases = (["answered"] * 5 + ["partial"] + ["refused"] * 2 + ["not_reachable"]
             + ["ineligible"] + [None] * 2)
    r = responses.rates(cases)
    assert r["rr1"] == Fraction(5, 11) and r["rr2"] == Fraction(6, 11)
    assert round(float(r["rr1"]) * 100, 2) == 45.45 and round(float(r["rr2"]) * 100, 2) == 54.55
    assert r["groups"]["NE"] == 1 and r["groups"]["UH"] == 2 and r["cases"] == 12


def test_rates_of_a_finished_draw_and_of_nothing():
    # 3 answered, 1 ineligible: every eligible case answered, RR1 = RR2 = 3/3.
    assert responses.rates(["answered"] * 3 + ["ineligible"])["rr1"] == 1
    assert responses.rates(["ineligible"])["rr1"] is None
    assert responses.rates([])["rr2"] is None
    with pytest.raises(ValueError):
        responses.rates(["maybe"])


def test_every_outcome_has_an_aapor_code():
    assert {k for k in responses.AAPOR if k} == {o.value for o in Outcome}
    assert responses.AAPOR[None] == ("3.10", "UH")


@pytest.fixture()
def drawn(db, setup):
    """FR-1's frame (Sở Tư pháp: 6 dossiers of HT; Sở Y tế: 3 of YT), N from the frame, a
    draw with 20 % reserves: Sở Tư pháp 5 drawn + 1 reserve, Sở Y tế 2 + 1."""
    run_import(setup, frame_csv([dossier(i) for i in range(1, 7)]
                                + [dossier(i, "Sở Y tế", "YT") for i in range(1, 4)]))
    apply_counts(setup["survey"], setup["manager"])
    draw = make_draw(setup["survey"], {"seed": 3}, setup["manager"])
    db.session.commit()
    items = db.session.scalars(select(FrameDrawItem).where(FrameDrawItem.draw_id == draw.id)
                               .order_by(FrameDrawItem.position)).all()
    tp = [i for i in items if i.dossier.agency.name == "Sở Tư pháp"]
    return {**setup, "draw": draw, "tp": tp, "sample": [i for i in tp if not i.reserve],
            "reserves": [i for i in tp if i.reserve]}


def test_draw_sizes_of_the_fixture(drawn):
    assert (len(drawn["sample"]), len(drawn["reserves"])) == (5, 1)


def test_refusal_is_replaced_by_the_next_reserve_then_none_is_left(db, drawn):
    m = drawn["manager"]
    first, second = drawn["sample"][:2]
    ops.record_outcome(first, {"outcome": "refused"}, m)
    reserve = ops.replace(first, m)
    assert reserve.id == drawn["reserves"][0].id and reserve.replaces_id == first.id
    assert reserve.in_sample
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "frames.replace"))
    assert event.after["replaced"] == first.dossier.code
    ops.record_outcome(second, {"outcome": "ineligible"}, m)
    with pytest.raises(OperationError, match="Không còn hồ sơ dự phòng"):
        ops.replace(second, m)
    assert db.session.scalar(select(FrameDrawItem).where(
        FrameDrawItem.replaces_id == second.id)) is None
    with pytest.raises(OperationError, match="đã được thay"):
        ops.replace(first, m)


def test_not_reachable_needs_the_plans_attempts(db, drawn):
    m, item = drawn["manager"], drawn["sample"][0]
    with pytest.raises(OperationError, match="0 trong 3 lần"):
        ops.record_outcome(item, {"outcome": "not_reachable"}, m)
    ops.add_attempt(item, m)
    ops.add_attempt(item, m)
    with pytest.raises(OperationError, match="2 trong 3 lần"):
        ops.record_outcome(item, {"outcome": "không liên lạc được"}, m)
    ops.record_outcome(item, {"outcome": "not_reachable", "attempts": "3"}, m)
    assert (item.outcome, item.attempts, item.outcome_source) == (Outcome.NOT_REACHABLE, 3,
                                                                   "enumerator")


def test_outcomes_only_for_dossiers_in_the_sample(db, drawn):
    m, survey = drawn["manager"], drawn["survey"]
    with pytest.raises(OperationError, match="không có trong mẫu rút"):
        ops.record_by_code(survey, {"code": "HS-XX-99999", "outcome": "answered"}, m)
    with pytest.raises(OperationError, match="dự phòng, chưa được đưa vào mẫu"):
        ops.record_outcome(drawn["reserves"][0], {"outcome": "answered"}, m)
    with pytest.raises(OperationError, match="Chọn kết quả"):
        ops.record_outcome(drawn["sample"][0], {"outcome": "có lẽ"}, m)
    assert drawn["sample"][0].outcome is None


def test_an_enumerator_records_only_at_the_agencies_of_their_assignments(db, drawn):
    with pytest.raises(OperationError, match="điều tra viên được giao"):
        ops.record_outcome(drawn["sample"][0], {"outcome": "answered"}, drawn["lan"])


def test_an_arriving_answer_sets_the_outcome_and_holds_it(db, drawn):
    item, m = drawn["sample"][2], drawn["manager"]
    assert ops.answer_arrived(drawn["survey"], item.dossier.code.lower(), "online:abc") is item
    assert (item.outcome, item.outcome_source) == (Outcome.ANSWERED, "answer")
    with pytest.raises(OperationError, match="giữ nguyên"):
        ops.record_outcome(item, {"outcome": "refused"}, m)
    assert ops.answer_arrived(drawn["survey"], "HS-NOT-DRAWN", "online:abc") is None


def _result_file(draw, outcomes: dict[int, tuple[str, str]]) -> bytes:
    """The call list as the call centre sends it back: outcome and attempts filled in."""
    rows = call_rows(draw, reveal=False)
    for row in rows:
        if row["position"] in outcomes:
            row["outcome"], row["attempts"] = outcomes[row["position"]]
    return to_csv(rows, CALL_COLUMNS)


def test_call_centre_results_are_all_or_nothing(db, drawn):
    m, survey, draw = drawn["manager"], drawn["survey"], drawn["draw"]
    a, b = drawn["sample"][0], drawn["sample"][1]
    bad = _result_file(draw, {a.position: ("Từ chối", "1"), b.position: ("có lẽ", "2")})
    with pytest.raises(OperationError, match="dòng .*kết quả không rõ"):
        ops.import_outcomes(survey, io.BytesIO(bad), "ket-qua.csv", m)
    db.session.rollback()
    assert a.outcome is None  # nothing half-saved
    good = _result_file(draw, {a.position: ("Từ chối", "1"), b.position: ("2.20", "3")})
    done = ops.import_outcomes(survey, io.BytesIO(good), "ket-qua.csv", m)
    assert done["changed"] == 2
    assert (a.outcome, a.outcome_source) == (Outcome.REFUSED, "call_list")
    assert (b.outcome, b.attempts) == (Outcome.NOT_REACHABLE, 3)
    c = drawn["sample"][2]
    short = _result_file(draw, {c.position: ("không liên lạc được", "1")})
    with pytest.raises(OperationError, match="1 trong 3 lần"):
        ops.import_outcomes(survey, io.BytesIO(short), "ket-qua.csv", m)
    # Attempts never go down: b keeps its 3 when a file says 1.
    again = _result_file(draw, {b.position: ("not_reachable", "1")})
    assert ops.import_outcomes(survey, io.BytesIO(again), "ket-qua.csv", m)["changed"] == 0


def test_rates_per_agency_and_per_draw(db, drawn):
    m = drawn["manager"]
    s = drawn["sample"]
    ops.record_outcome(s[0], {"outcome": "answered"}, m)
    ops.record_outcome(s[1], {"outcome": "partial"}, m)
    ops.record_outcome(s[2], {"outcome": "refused"}, m)
    reserve = ops.replace(s[2], m)
    ops.record_outcome(reserve, {"outcome": "answered"}, m)
    ops.record_outcome(s[3], {"outcome": "ineligible"}, m)
    # Sở Tư pháp: cases s0..s4 and the reserve: I = 2, P = 1, R = 1, NE = 1, UH = 1 (s4):
    # RR1 = 2 / (2 + 1 + 1 + 1) = 2/5; RR2 = 3/5.
    found = ops.response_rates(drawn["survey"])
    tp = drawn["agencies"][0].id
    assert (found[tp]["rr1"], found[tp]["rr2"]) == (Fraction(2, 5), Fraction(3, 5))
    # The whole draw adds Sở Y tế's 2 cases without outcome: RR1 = 2/7, RR2 = 3/7.
    assert (found[None]["rr1"], found[None]["rr2"]) == (Fraction(2, 7), Fraction(3, 7))
    assert ops.draw_rates(drawn["draw"])["total"]["rr1"] == Fraction(2, 7)


def test_the_enumerator_records_on_the_page_of_her_assignment(db, drawn, client):
    """Lan is assigned to Sở Tư pháp: she sees and records its drawn dossiers only."""
    from fieldwork.plans.models_fieldwork import Assignment

    from ..conftest import csrf_token, login
    from ..factories import PASSWORD

    survey, lan = drawn["survey"], drawn["lan"]
    tp, yt = drawn["agencies"]
    db.session.add(Assignment(survey_id=survey.id, enumerator_id=lan.id, agency_id=tp.id,
                              quota=5))
    db.session.commit()
    login(client, lan.email, PASSWORD)
    page = client.get(f"/frames/{survey.code}/responses").get_data(as_text=True)
    assert f'id="a{tp.id}"' in page and f'id="a{yt.id}"' not in page
    item = drawn["sample"][0]
    token = csrf_token(client, f"/frames/{survey.code}/responses")
    res = client.post(f"/frames/{survey.code}/responses/{item.id}",
                      data={"csrf_token": token, "outcome": "refused"})
    assert res.status_code == 302
    db.session.expire_all()
    assert db.session.get(FrameDrawItem, item.id).outcome == Outcome.REFUSED
    other = db.session.scalar(select(FrameDrawItem).where(
        FrameDrawItem.draw_id == drawn["draw"].id, FrameDrawItem.agency_id == yt.id))
    res = client.post(f"/frames/{survey.code}/responses/{other.id}",
                      data={"csrf_token": token, "outcome": "refused"})
    assert res.status_code == 403
    res = client.post(f"/frames/{survey.code}/responses/import", data={"csrf_token": token})
    assert res.status_code == 403  # the call centre's results are the manager's to import

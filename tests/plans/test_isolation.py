"""Agency reviewers see only their own agency's draft and comments; others are refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from fieldwork.errors import OperationError
from fieldwork.plans import operations_review as review
from fieldwork.plans import operations_steps
from fieldwork.plans.models_review import AgencyComment
from fieldwork.plans.models_workflow import StepState

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from .helpers import open_round


@pytest.fixture()
def world(factory, db):
    a, b = factory.agency("Sở A"), factory.agency("Sở B")
    survey = factory.survey("ISO-2026", agencies=[a, b])
    manager = factory.user("manager")
    rnd = open_round(db, survey, manager, {a: "du-thao-A.pdf", b: "du-thao-B.pdf"})
    ra, rb = factory.user("agency", agency=a), factory.user("agency", agency=b)
    review.file_comment(rnd, {"text": "Ý kiến riêng của Sở B về bảng 2"}, rb)
    db.session.commit()
    return {"survey": survey, "a": a, "b": b, "ra": ra, "rb": rb, "rnd": rnd,
            "manager": manager}


def test_agency_sees_only_own_draft_and_comments(client, world):
    login(client, world["ra"].email, PASSWORD)
    page = client.get("/surveys/ISO-2026/step/5").get_data(as_text=True)
    assert "du-thao-A.pdf" in page
    assert "du-thao-B.pdf" not in page and "Ý kiến riêng của Sở B" not in page
    dash = client.get("/surveys/ISO-2026").get_data(as_text=True)
    assert "Sở B" not in dash


def test_agency_cannot_open_other_steps(client, world):
    login(client, world["ra"].email, PASSWORD)
    for n in (1, 2, 3, 4, 6):
        assert client.get(f"/surveys/ISO-2026/step/{n}").status_code == 403
    assert client.get("/surveys/ISO-2026/plan.docx").status_code == 403


def test_agency_comment_is_filed_for_own_agency_only(client, world, db):
    login(client, world["ra"].email, PASSWORD)
    token = csrf_token(client, "/surveys/ISO-2026/step/5")
    client.post(f"/surveys/ISO-2026/rounds/{world['rnd'].id}/comments", data={
        "csrf_token": token, "text": "Ý kiến của Sở A", "agency_id": world["b"].id})
    row = db.session.scalar(select(AgencyComment).where(AgencyComment.text == "Ý kiến của Sở A"))
    assert row.agency_id == world["a"].id  # the posted agency_id is ignored for reviewers


def test_agency_cannot_respond_or_act(client, world, db):
    comment = db.session.scalar(select(AgencyComment))
    login(client, world["ra"].email, PASSWORD)
    token = csrf_token(client, "/surveys/ISO-2026/step/5")
    resp = client.post(f"/surveys/ISO-2026/comments/{comment.id}/response", data={
        "csrf_token": token, "response_kind": "accepted", "response_text": "x"})
    assert resp.status_code == 403
    resp = client.post("/surveys/ISO-2026/step/5/do/close_round", data={"csrf_token": token})
    assert resp.status_code == 403


def test_agency_not_in_round_cannot_comment(factory, world, db):
    outsider = factory.user("agency", agency=factory.agency("Sở C"))
    with pytest.raises(OperationError):
        review.file_comment(world["rnd"], {"text": "x"}, outsider)


def test_reviewer_of_uncovered_survey_is_refused(client, factory, world):
    outsider = factory.user("agency", agency=factory.agency("Sở D"))
    login(client, outsider.email, PASSWORD)
    assert client.get("/surveys/ISO-2026").status_code == 403
    assert client.get("/surveys/ISO-2026/step/5").status_code == 403


def test_round_cannot_close_with_open_verification(world, factory, db):
    comment = db.session.scalar(select(AgencyComment))
    manager = world["manager"]
    enumerator = factory.user("enumerator")
    review.respond(comment, {"response_kind": "explained", "response_text": "Giải trình"},
                   manager)
    task = review.open_verification(comment, {"assignee_id": enumerator.id,
                                              "scheduled_on": date(2026, 11, 5),
                                              "place": "Sở B"}, manager)
    db.session.commit()
    with pytest.raises(OperationError, match="xác minh|verification"):
        operations_steps.transition(world["survey"], {"step": 5, "name": "close_round"},
                                    manager)
    db.session.rollback()
    other = factory.user("enumerator")
    with pytest.raises(OperationError):
        review.close_verification(task, {"findings": "x", "outcome": "confirmed"}, other)
    review.close_verification(task, {"findings": "Đúng như khảo sát", "outcome": "confirmed"},
                              enumerator)
    row = operations_steps.transition(world["survey"], {"step": 5, "name": "close_round"},
                                      manager)
    assert row.state == StepState.ROUND_CLOSED


def test_accepted_response_needs_the_change(world, db):
    comment = db.session.scalar(select(AgencyComment))
    with pytest.raises(OperationError):
        review.respond(comment, {"response_kind": "accepted", "response_text": "Đồng ý"},
                       world["manager"])
    with pytest.raises(OperationError):
        review.respond(comment, {"response_kind": "maybe", "response_text": "?"},
                       world["manager"])

"""A comment round cannot close before every agency commented or its due date passed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.errors import OperationError
from fieldwork.plans import operations_review as review
from fieldwork.plans import operations_steps
from fieldwork.plans.models_review import CommentRound
from fieldwork.plans.models_workflow import Step, StepState
from fieldwork.plans.steps import ensure
from fieldwork.timeutil import local_today

from .helpers import open_round


@pytest.fixture()
def world(factory, db):
    a, b = factory.agency("Sở Tư pháp"), factory.agency("Phường Hải Châu")
    survey = factory.survey("RND-2026", agencies=[a, b])
    manager = factory.user("manager")
    rnd = open_round(db, survey, manager, {a: "du-thao-A.pdf", b: "du-thao-B.pdf"})
    rb = factory.user("agency", agency=b)
    comment = review.file_comment(rnd, {"text": "Đề nghị làm rõ bảng 2."}, rb)
    review.respond(comment, {"response_kind": "explained",
                             "response_text": "Đã bổ sung chú thích cho bảng 2."}, manager)
    db.session.commit()
    return {"survey": survey, "a": a, "b": b, "rnd": rnd, "manager": manager}


def _close(world):
    return operations_steps.transition(world["survey"], {"step": 5, "name": "close_round"},
                                       world["manager"])


def _due(world, days: int | None) -> None:
    ensure(world["survey"])[Step.COMMENTS].due_date = (
        None if days is None else local_today() + timedelta(days=days))


@pytest.mark.parametrize("days", [None, 0, 12])
def test_a_round_does_not_close_while_an_agency_still_has_time(world, db, days):
    _due(world, days)
    db.session.commit()
    with pytest.raises(OperationError, match="Sở Tư pháp") as err:
        _close(world)
    assert "Phường Hải Châu" not in str(err.value)  # it commented
    db.session.rollback()
    assert db.session.get(CommentRound, world["rnd"].id).closed_at is None
    assert ensure(world["survey"])[Step.COMMENTS].state == StepState.ROUND_OPEN


def test_after_the_due_date_the_round_closes_and_records_who_was_silent(world, db):
    _due(world, -1)
    db.session.commit()
    row = _close(world)
    assert row.state == StepState.ROUND_CLOSED
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.like("%close_round%")).order_by(AuditEvent.id.desc())).first()
    assert event.after["no_comment_from"] == ["Sở Tư pháp"]
    assert event.after["comments"] == 1


def test_once_every_agency_commented_the_round_closes_before_its_due_date(world, factory, db):
    _due(world, 12)
    ra = factory.user("agency", agency=world["a"])
    comment = review.file_comment(world["rnd"], {"text": "Thống nhất với dự thảo."}, ra)
    review.respond(comment, {"response_kind": "explained",
                             "response_text": "Cảm ơn ý kiến của Sở."}, world["manager"])
    db.session.commit()
    assert _close(world).state == StepState.ROUND_CLOSED

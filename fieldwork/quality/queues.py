"""Re-check work queues: contacts to call (re-check officer), rules and draws to approve."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..queues import Queue, Row, register_queue
from .models import APPROVERS, RECHECKERS, DrawState, Outcome, RecheckDraw, RecheckItem, RecheckRule


def to_contact(user) -> list[Row]:
    """Drawn sheets whose respondent nobody has contacted yet; the link opens the oldest draw
    with such sheets."""
    return [Row(sid, n, oldest, url=url_for("quality.draw", draw_id=first))
            for sid, n, oldest, first in db.session.execute(
                select(RecheckDraw.survey_id, func.count(), func.min(RecheckDraw.created_at),
                       func.min(RecheckDraw.id))
                .join(RecheckItem, RecheckItem.draw_id == RecheckDraw.id)
                .where(RecheckDraw.state == DrawState.DRAWN,
                       RecheckItem.outcome == Outcome.PENDING)
                .group_by(RecheckDraw.survey_id))]


def to_approve(user) -> list[Row]:
    """Re-check rules not approved yet and draws beyond the rule waiting for a decision."""
    rules = db.session.execute(
        select(RecheckRule.survey_id, func.count(), func.min(RecheckRule.proposed_at))
        .where(RecheckRule.approved_at.is_(None)).group_by(RecheckRule.survey_id)).all()
    draws = db.session.execute(
        select(RecheckDraw.survey_id, func.count(), func.min(RecheckDraw.created_at))
        .where(RecheckDraw.state == DrawState.REQUESTED).group_by(RecheckDraw.survey_id)).all()
    out: dict[int, list] = {}
    for sid, n, oldest in [*rules, *draws]:
        got = out.setdefault(sid, [0, oldest])
        got[0] += n
        got[1] = min(got[1], oldest) if got[1] and oldest else got[1] or oldest
    return [Row(sid, n, oldest) for sid, (n, oldest) in out.items()]


def register() -> None:
    """Re-check queues."""
    register_queue(Queue("quality.contact", _l("Re-check contacts to call"), RECHECKERS,
                         to_contact, "quality.recheck", lambda s: {"survey": s.id},
                         nav="quality.recheck", order=10))
    register_queue(Queue("quality.approve", _l("Re-check rules and draws to approve"),
                         APPROVERS, to_approve, "quality.approvals", nav="quality.approvals",
                         order=20))

"""Demo content: a re-check draw of the demo's approved sheets, with a few outcomes."""

from __future__ import annotations

from sqlalchemy import select

from ..auth.models import User
from ..entry.models import EntrySheet, ReviewState
from ..errors import OperationError
from ..extensions import db
from ..timeutil import utcnow
from .operations import create_draw, record_outcome
from .rule import approve_rule, set_rule

# The plan's rule: every month, 30 % of each agency's approved sheets (III.2.d).
RULE = {"period_kind": "month", "size_mode": "percent", "size_value": 30,
        "basis": "Kế hoạch khảo sát, mục Phương pháp; Quyết định 2223/QĐ-UBND, mục III.2.d"}

OUTCOMES = [("confirmed", ""), ("confirmed", ""),
            ("unreachable", "Gọi 3 lần không nghe máy"),
            ("differs", "Người trả lời nói đã hài lòng, phiếu ghi chưa hài lòng")]


def load(survey, actor) -> None:
    """Nothing before the entry demo has approved sheets (see ``field``)."""


def field(survey, actor) -> None:
    """Draw this month's re-check sample and record what the officer found for a few."""
    latest = db.session.scalar(select(EntrySheet.created_at).where(
        EntrySheet.survey_id == survey.id, EntrySheet.review_state == ReviewState.APPROVED)
        .order_by(EntrySheet.created_at.desc()).limit(1))
    if latest is None:
        return
    officer = db.session.scalar(select(User).where(User.email == "phuctra@demo.vn"))
    manager = db.session.scalar(select(User).where(User.email == "quanly@demo.vn"))
    reviewer = db.session.scalar(select(User).where(User.email == "snv@demo.vn"))
    if manager is None or reviewer is None:
        return
    rule = set_rule(survey, RULE, manager)
    approve_rule(rule, reviewer)
    period = (latest or utcnow()).strftime("%Y-%m")
    try:
        draw = create_draw(survey, {"period": period, "seed": 2026}, manager)
    except OperationError:
        return
    if officer is None:
        return
    for item, (outcome, notes) in zip(draw.items, OUTCOMES, strict=False):
        record_outcome(item, {"outcome": outcome, "notes": notes}, officer)

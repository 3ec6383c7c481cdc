"""Demo content: DEMO-2026 gets the 2025 Da Nang questionnaire, submitted and approved."""

from __future__ import annotations

from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from . import operations as ops


def load(survey, actor) -> None:
    """Create v1 from the 2025 template, submitted by the manager and approved by Home Affairs."""
    manager = db.session.scalar(select(User).where(User.email == "quanly@demo.vn"))
    reviewer = db.session.scalar(select(User).where(User.email == "snv@demo.vn"))
    version = ops.create_from_template(survey, "danang-2025", manager or actor)
    ops.transition(version, "submit", manager)
    ops.transition(version, "approve", reviewer, "Đồng ý phê duyệt mẫu phiếu khảo sát năm 2026.")
    # A second draft shows the edit-and-compare path to a newcomer.
    draft = ops.create_from_version(version, manager)
    ops.update_question(draft, "q03", {"text": "Ông/Bà có góp ý gì để cơ quan phục vụ "
                                               "tốt hơn? (không bắt buộc)"}, manager)

"""Demo content: DEMO-2026 gets the 2025 Da Nang questionnaire, consulted on and approved.

``load`` drafts v1 from the 2025 template (the draft the agencies are consulted on in step 2);
``finish`` runs after every feature's ``load`` (so after the plans demo recorded the
consultation): the manager submits v1, Home Affairs approves it, and a v2 draft takes up a
comment (the edit-and-compare path).
"""

from __future__ import annotations

from ..auth.models import user_by_email as _user
from . import operations as ops
from .api import versions
from .models import VersionStatus


def load(survey, actor) -> None:
    """Draft v1 from the 2025 template."""
    ops.create_from_template(survey, "danang-2025", _user("quanly@demo.vn") or actor)


def finish(survey, actor) -> None:
    """v1 submitted by the manager and approved by Home Affairs; v2 left as a draft."""
    manager = _user("quanly@demo.vn")
    reviewer = _user("snv@demo.vn")
    version = next((v for v in versions(survey) if v.status == VersionStatus.DRAFT), None)
    if version is None or manager is None or reviewer is None:
        return
    ops.transition(version, "submit", manager)
    ops.transition(version, "approve", reviewer, "Đồng ý phê duyệt mẫu phiếu khảo sát năm 2026.")
    # A second draft shows the edit-and-compare path to a newcomer.
    draft = ops.create_from_version(version, manager)
    ops.update_question(draft, "q03", {"text": "Ông/Bà có góp ý gì để cơ quan phục vụ "
                                               "tốt hơn? (không bắt buộc)"}, manager)

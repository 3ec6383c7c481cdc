"""The demo's next year: DEMO-2027 being prepared, its questionnaire waiting for Home Affairs.

So that every demo account has something to do, the demo holds one survey per stage: DEMO-2025
published, DEMO-2026 in the field, and DEMO-2027 in step 2: its plan written, appraised by Home
Affairs and issued, the written consultation on the questionnaire open, and questionnaire v1
(the 2025 Da Nang form, one question reworded) submitted to Home Affairs, who approves or
returns it (the Home Affairs reviewer's first work on the start page).

Everything goes through the real operations, by the demo accounts.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from .auth.models import user_by_email as _user
from .demo_previous import _step, issue_plan
from .directory.models import Agency
from .extensions import db
from .plans.models import Survey
from .plans.models_workflow import Step

CODE = "DEMO-2027"
TITLE = ("Khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành "
         "chính nhà nước thành phố Đà Nẵng năm 2027")
DOC_NUMBER = "118"


def load_story(data: dict, actor="demo") -> Survey | None:
    """Create DEMO-2027 at step 2 with v1 submitted; None when the demo accounts are missing
    or the survey already exists."""
    manager, reviewer = _user("quanly@demo.vn"), _user("snv@demo.vn")
    if manager is None or reviewer is None:
        return None
    if db.session.scalar(select(Survey).where(Survey.code == CODE)) is not None:
        return None
    survey = _plan(data, manager, reviewer)
    _questionnaire(survey, manager)
    return survey


def _plan(data: dict, manager, reviewer) -> Survey:
    """Step 1: the plan written, submitted, appraised, signed and issued."""
    from .plans import operations as ops
    from .plans.demo import HEADER, SECTIONS

    survey = ops.create_survey({
        "code": CODE, "year": 2027, "title": TITLE,
        "contractor": "Trung tâm Khảo sát Độc lập (demo)",
        "description": "Dữ liệu minh hoạ năm sau (đang chuẩn bị): số hồ sơ là giả định."},
        manager)
    for a in data["agencies"]:
        agency = db.session.scalar(select(Agency).where(Agency.name == a["name"]))
        row = ops.add_scope(survey, {"agency_id": agency.id, "dossiers": a["dossiers"],
                                     "state_bodies_only": agency.serves_state_bodies_only},
                            manager)
        if row.state_bodies_only:
            ops.update_scope(survey, {"scope_id": row.id, "dossiers": row.dossiers,
                                      "state_bodies_only": "1", "bodies_h1": 15,
                                      "bodies_h2": 12}, manager)
    sections = {k: v.replace("2026", "2027") for k, v in SECTIONS.items()}
    header = {**HEADER, "subject": HEADER["subject"].replace("2026", "2027")}
    issue_plan(survey, manager, reviewer, {**sections, **header},
               "Đồng ý với kế hoạch năm 2027; đơn vị ban hành và triển khai theo đúng tiến độ.",
               DOC_NUMBER, date(2026, 11, 20))
    return survey


def _questionnaire(survey, manager) -> None:
    """Step 2: consultation open; v1 drafted from the 2025 form, one question reworded after
    last year's comments, and submitted to Home Affairs."""
    from .forms import operations as forms_ops
    _step(survey, Step.QUESTIONNAIRE, "open_consultation", manager)
    version = forms_ops.create_from_template(survey, "danang-2025", manager)
    forms_ops.update_question(version, "q03", {
        "text": "Ông/Bà có góp ý gì để cơ quan phục vụ tốt hơn? (không bắt buộc)"}, manager)
    forms_ops.transition(version, "submit", manager)

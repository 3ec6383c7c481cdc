"""Fixtures for online and kiosk answers: an open survey with an approved form and a frame."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from fieldwork.forms import operations as forms_ops
from fieldwork.frames.models import FrameDossier
from fieldwork.plans.models import SurveyStatus
from fieldwork.privacy.crypto import blind_index, encrypt

DEVICE = "d" * 64


def answer(**extra) -> dict:
    """A satisfied answer with dossier HS-0001, overridable per key."""
    return {"dossier_code": "hs-0001", "phone": "", "citizen_id": "", "q01": "yes",
            "q02": [], "q02_other": "", "q03": "", "procedure": "", **extra}


@pytest.fixture()
def world(db, factory):
    """Survey ON-1 (in progress, approved 2025 form) over agencies A and B; frame dossiers
    HS-0001..HS-0003 at A (field "Hộ tịch") and HS-0004 at B."""
    manager, reviewer = factory.user("manager"), factory.user("home_affairs")
    a, b = factory.agency("Sở Tư pháp"), factory.agency("Sở Y tế")
    field = factory.field("HT", "Hộ tịch")
    survey = factory.survey("ON-1", agencies=[a, b])
    survey.status = SurveyStatus.ACTIVE
    v = forms_ops.create_from_template(survey, "danang-2025", manager)
    forms_ops.transition(v, "submit", manager)
    forms_ops.transition(v, "approve", reviewer, "Đồng ý")
    for n, agency in ((1, a), (2, a), (3, a), (4, b)):
        db.session.add(FrameDossier(
            survey_id=survey.id, code=f"HS-000{n}", agency_id=agency.id, field_id=field.id,
            procedure="Cấp phiếu lý lịch tư pháp", late=False,
            phone_enc=encrypt("0912345678"), phone_index=blind_index("phone", "0912345678")))
    db.session.commit()
    return SimpleNamespace(survey=survey, version=v, a=a, b=b, field=field, manager=manager,
                           reviewer=reviewer)

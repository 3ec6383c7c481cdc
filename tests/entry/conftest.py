"""Fixtures for data entry: people, a survey with the approved 2025 form, printed batches."""

from __future__ import annotations

import pytest

from fieldwork.forms.batches import print_batch
from fieldwork.forms.models import format_serial

from ..conftest import csrf_token, login
from ..factories import PASSWORD, approved_version


@pytest.fixture()
def people(factory):
    """Manager, Home Affairs reviewer, two enumerators, re-check officer, agency reviewer."""
    return {"manager": factory.user("manager"), "reviewer": factory.user("home_affairs"),
            "lan": factory.user("enumerator", name="Nguyễn Thị Lan"),
            "hung": factory.user("enumerator", name="Trần Văn Hùng"),
            "recheck": factory.user("recheck"), "scanner": factory.user("scanner")}


def approve(db, survey, people, template: str = "danang-2025"):
    """Version 1 of ``template`` approved for ``survey``."""
    return approved_version(db, survey, people, template)


@pytest.fixture()
def survey(db, factory, people):
    """Survey KEY-1 with the approved 2025 Da Nang form."""
    s = factory.survey("KEY-1", agencies=[factory.agency()])
    approve(db, s, people)
    return s


@pytest.fixture()
def batch(db, survey, people):
    """Live sheets 1-12 of KEY-1, printed for its agency, handed to Lan."""
    b = print_batch(survey, {"count": 12, "assigned_user_id": people["lan"].id,
                             "agency_id": survey.scope[0].agency_id}, people["manager"])
    db.session.commit()
    return b


def typed(**changes) -> dict:
    """A complete, valid set of typed answers of the 2025 form (keying form field names)."""
    data = {"phone": "0912 345 678", "citizen_id": "048123456789", "survey_date": "12/05/2026",
            "dossier_code": "H17.00001", "agency": "Sở Tư pháp", "field": "Hộ tịch",
            "procedure": "", "q01": "yes", "q02": [], "q02_other": "", "q03": ""}
    data.update(changes)
    return data


def form_data(answers: dict, **extra) -> dict:
    """Typed answers as the keying page posts them."""
    out = {f"a_{k}": v for k, v in answers.items()}
    out.update(extra)
    return out


def sign_in(client, user, lang: str = "en"):
    """Sign ``user`` in (signing out whoever was), the interface in ``lang``."""
    client._cookies.clear()
    login(client, user.email, PASSWORD)
    client.post(f"/lang/{lang}", data={"csrf_token": csrf_token(client, "/"), "next": "/"})


def key_sheet(client, survey, serial: int, answers: dict, **extra):
    """Post one keying of sheet ``serial`` as the signed-in user (the agency from the list)."""
    url = f"/entry/{survey.code}/key/{serial}"
    token = csrf_token(client, f"/entry/{survey.code}/key")
    extra.setdefault("sheet_agency", survey.scope[0].agency_id)
    return client.post(url, data=form_data(answers, csrf_token=token, **extra))


__all__ = ["approve", "typed", "form_data", "sign_in", "key_sheet", "format_serial"]

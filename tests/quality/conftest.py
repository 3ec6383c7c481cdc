"""Fixtures for re-check and integrity tests: approved sheets with encrypted contacts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fieldwork.entry.models import EntryAnswer, EntrySheet, ReviewState, SheetSource
from fieldwork.forms import operations as forms_ops
from fieldwork.privacy.crypto import blind_index, encrypt

from ..conftest import login
from ..factories import PASSWORD

MARCH = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def phone_of(serial: int) -> str:
    """A distinct valid mobile number per serial."""
    return f"09{serial:08d}"


def cid_of(serial: int) -> str:
    """A distinct 12-digit citizen ID per serial."""
    return f"048{serial:09d}"


@pytest.fixture()
def people(factory):
    """Manager, reviewer, two enumerators, a re-check officer and an agency reviewer."""
    return {"manager": factory.user("manager"), "reviewer": factory.user("home_affairs"),
            "lan": factory.user("enumerator", name="Nguyễn Thị Lan"),
            "hung": factory.user("enumerator", name="Trần Văn Hùng"),
            "recheck": factory.user("recheck"), "agency": factory.user("agency")}


@pytest.fixture()
def agencies(factory):
    """Two surveyed agencies."""
    return [factory.agency("Sở Tư pháp"), factory.agency("Sở Y tế")]


@pytest.fixture()
def survey(db, factory, people, agencies):
    """Survey QC-1 with an approved 2025 form."""
    s = factory.survey("QC-1", agencies=agencies)
    v = forms_ops.create_from_template(s, "danang-2025", people["manager"])
    forms_ops.transition(v, "submit", people["manager"])
    forms_ops.transition(v, "approve", people["reviewer"], "Đồng ý")
    db.session.commit()
    s.version = v
    return s


def add_sheet(db, survey, serial: int, *, agency, enumerator, at: datetime = MARCH,
              state: ReviewState = ReviewState.APPROVED, phone: str | None = "auto",
              cid: str | None = "auto", answers: dict | None = None,
              in_assignment: bool = True) -> EntrySheet:
    """An entry sheet as the entry package stores it (contacts encrypted + blind index)."""
    phone = phone_of(serial) if phone == "auto" else phone
    cid = cid_of(serial) if cid == "auto" else cid
    sheet = EntrySheet(
        survey_id=survey.id, serial=serial, version_id=survey.version.id,
        agency_id=agency.id, enumerator_id=enumerator.id, review_state=state,
        source=SheetSource.KEYED, in_assignment=in_assignment, created_at=at,
        approved_at=at + timedelta(days=1) if state == ReviewState.APPROVED else None,
        phone_enc=encrypt(phone) if phone else None,
        phone_hash=blind_index("phone", phone) if phone else None,
        cid_enc=encrypt(cid) if cid else None, cid_hash=blind_index("cid", cid) if cid else None)
    db.session.add(sheet)
    db.session.flush()
    for q, values in (answers or {"q01": ["yes"]}).items():
        db.session.add(EntryAnswer(sheet_id=sheet.id, question=q, values=values, source="key1"))
    return sheet


@pytest.fixture()
def sheets(db, survey, agencies, people):
    """40 approved March sheets (30 at agency 0 by Lan, 10 at agency 1 by Hùng), plus a
    rejected one, an unapproved one and an April one that no March draw may pick."""
    rows = []
    for i in range(1, 41):
        agency = agencies[0] if i <= 30 else agencies[1]
        who = people["lan"] if i <= 30 else people["hung"]
        rows.append(add_sheet(db, survey, i, agency=agency, enumerator=who,
                              at=MARCH + timedelta(hours=i)))
    add_sheet(db, survey, 41, agency=agencies[0], enumerator=people["lan"],
              state=ReviewState.REJECTED)
    add_sheet(db, survey, 42, agency=agencies[0], enumerator=people["lan"],
              state=ReviewState.RECEIVED)
    add_sheet(db, survey, 43, agency=agencies[0], enumerator=people["lan"],
              at=datetime(2026, 4, 2, tzinfo=UTC))
    db.session.commit()
    return rows


def sign_in(client, user):
    """Sign ``user`` in through the login form."""
    client._cookies.clear()
    login(client, user.email, PASSWORD)


RULE = {"period_kind": "month", "size_mode": "count", "size_value": 4,
        "basis": "Kế hoạch, mục Phương pháp; QĐ 2223, III.2.d"}


def give_rule(db, survey, people, **changes):
    """The plan's re-check rule (4 sheets per agency each month unless changed), approved by
    the Home Affairs reviewer."""
    from fieldwork.quality.rule import approve_rule, set_rule

    rule = set_rule(survey, {**RULE, **changes}, people["manager"])
    if not rule.approved:
        approve_rule(rule, people["reviewer"])
    db.session.commit()
    return rule


@pytest.fixture()
def rule(db, survey, people):
    """The approved rule: 4 sheets per agency, every month."""
    return give_rule(db, survey, people)

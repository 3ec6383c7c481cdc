"""Every page of the workflow for every role, the CLI, notifications, the demo."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from fieldwork.auth.roles import RoleName
from fieldwork.plans import operations_steps
from fieldwork.plans.models_docs import Notification
from fieldwork.plans.models_workflow import Step, StepState

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from .helpers import put_in_state, satisfy_all, use_fake_forms

ROLES = [r.value for r in RoleName]
STAFF = {"manager", "home_affairs", "enumerator", "scanner", "recheck"}
STEP_ALLOWED = {1: STAFF, 2: STAFF, 3: STAFF, 4: STAFF, 6: STAFF,
                5: {"manager", "home_affairs", "agency", "enumerator"}}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_role(client, factory, db, monkeypatch, role):
    use_fake_forms(monkeypatch)
    agency = factory.agency()
    survey = factory.survey(agencies=[agency])
    manager, enumerator = factory.user("manager"), factory.user("enumerator")
    satisfy_all(db, survey, manager, enumerator, agency)
    put_in_state(db, survey, Step.COMMENTS, StepState.ROUND_OPEN)
    db.session.commit()
    user = factory.user(role, agency=agency if role == "agency" else None)
    login(client, user.email, PASSWORD)
    dash = client.get(f"/surveys/{survey.code}")
    assert dash.status_code == (403 if role == "public" else 200)
    for n, allowed in STEP_ALLOWED.items():
        resp = client.get(f"/surveys/{survey.code}/step/{n}")
        assert resp.status_code == (200 if role in allowed else 403), (role, n)
    assert client.get("/surveys/notifications").status_code == 200
    assert client.get("/bao-cao-khao-sat/").status_code == 200


def test_public_page_needs_no_login(client):
    resp = client.get("/bao-cao-khao-sat/")
    assert resp.status_code == 200
    assert "Báo cáo khảo sát hài lòng hàng năm" in resp.get_data(as_text=True)
    assert client.get("/bao-cao-khao-sat/NOPE/1").status_code == 404


def test_notifications_reach_the_reviewer_and_can_be_read(client, factory, db, monkeypatch):
    use_fake_forms(monkeypatch)
    agency = factory.agency()
    survey = factory.survey(agencies=[agency])
    manager, enumerator = factory.user("manager"), factory.user("enumerator")
    reviewer = factory.user("home_affairs")
    satisfy_all(db, survey, manager, enumerator, agency)
    operations_steps.transition(survey, {"step": 1, "name": "submit"}, manager)
    db.session.commit()
    note = db.session.scalar(select(Notification).where(Notification.user_id == reviewer.id))
    assert note is not None and note.params["step_no"] == 1
    login(client, reviewer.email, PASSWORD)
    page = client.get("/surveys/notifications").get_data(as_text=True)
    assert survey.code in page and "✉ 1</span>" in page  # one unread, on the menu
    assert "Thẩm định kế hoạch" in page  # waiting on the reviewer: appraise the plan
    token = csrf_token(client, "/surveys/notifications")
    resp = client.post("/surveys/notifications/read", data={"csrf_token": token,
                                                            "id": note.id})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/step/1")
    assert db.session.get(Notification, note.id).read_at is not None
    other = factory.user("home_affairs")
    client2 = client.application.test_client()
    login(client2, other.email, PASSWORD)
    token = csrf_token(client2, "/surveys/notifications")
    assert client2.post("/surveys/notifications/read",
                        data={"csrf_token": token, "id": note.id}).status_code == 404


def test_cli_sample_size_text_and_json(runner):
    out = runner.invoke(args=["sample-size", "--policy", "qd2223-2025", "--dossiers", "4000"])
    assert out.exit_code == 0
    assert "259,74" in out.output and "=> 259" in out.output
    out = runner.invoke(args=["sample-size", "--policy", "qd2223-2025", "--dossiers", "4000",
                              "--json"])
    data = json.loads(out.output)
    assert (data["policy"], data["dossiers"], data["exact"], data["required"]) == (
        "qd2223-2025", 4000, 259.74, 259)
    assert "làm tròn xuống" in data["rule"]
    out = runner.invoke(args=["sample-size", "--policy", "half-year", "--submissions-h1", "10",
                              "--submissions-h2", "1", "--json"])
    assert json.loads(out.output)["required"] == 2
    out = runner.invoke(args=["sample-size", "--policy", "qd5489-2016", "--dossiers", "700",
                              "--json"])
    assert json.loads(out.output)["required"] == 210
    out = runner.invoke(args=["sample-size", "--policy", "hue-2024", "--dossiers", "99",
                              "--json"])
    assert json.loads(out.output)["required"] == 99


@pytest.mark.parametrize("args", [
    ["--policy", "qd2223-2025", "--dossiers", "-5"],
    ["--policy", "qd2223-2025", "--dossiers", "nhiều"],
    ["--policy", "hue-2024", "--dossiers", "1000"],
    ["--policy", "qd5489-2016", "--dossiers", "150"],
    ["--policy", "qd2223-2025"],
    ["--policy", "half-year", "--submissions-h1", "3"],
    ["--policy", "sipas", "--dossiers", "10"],
])
def test_cli_bad_input(runner, args):
    out = runner.invoke(args=["sample-size", *args])
    assert out.exit_code == 2
    assert "Traceback" not in out.output


def test_demo_gives_an_issued_plan(demo_year, db):
    from fieldwork.plans.models import Survey
    from fieldwork.plans.progress import requirements
    from fieldwork.plans.steps import ensure, plan_of
    survey = db.session.scalar(select(Survey).where(Survey.code == "DEMO-2026"))
    plan = plan_of(survey)
    assert not plan.missing_sections() and "Đà Nẵng" in plan.purpose
    assert plan.reviewer is not None and plan.reviewer.email == "snv@demo.vn"
    assert ensure(survey)[Step.PLAN].state == StepState.ISSUED  # see test_demo.py
    assert all(r.error is None for r in requirements(survey))


def test_email_is_off_by_default(runner):
    out = runner.invoke(args=["notify-email"])
    assert out.exit_code == 0 and "off" in out.output


def test_email_sends_unsent_notifications_once(app, runner, factory, db, monkeypatch):
    from fieldwork.plans import mail, notifications

    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            assert (host, port) == ("smtp.test", 25)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, msg):
            sent.append(msg)

    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "PLANS_EMAIL_NOTIFICATIONS", "1")
    monkeypatch.setitem(app.config, "PLANS_SMTP_HOST", "smtp.test")
    survey = factory.survey()
    user = factory.user("home_affairs")
    notifications.notify([user], survey, "workflow",
                         {"code": survey.code, "step_no": 1, "state": "submitted"})
    db.session.commit()
    out = runner.invoke(args=["notify-email"])
    assert out.exit_code == 0 and "1 notification" in out.output
    assert sent[0]["To"] == user.email and survey.code in sent[0]["Subject"]
    assert "Đã gửi Sở Nội vụ" in sent[0].get_content()
    out = runner.invoke(args=["notify-email"])
    assert len(sent) == 1

"""The audit log shows actions in words, in both languages: every action the demo writes has
words of its own, and the page never shows a bare action code as its text."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from fieldwork.audit.actions import known, words
from fieldwork.audit.models import AuditEvent
from fieldwork.plans import workflow

from ..conftest import csrf_token, login
from ..factories import PASSWORD


def test_every_action_of_the_demo_has_words(demo_year, db, app):
    actions = set(db.session.scalars(select(AuditEvent.action).distinct()))
    with app.test_request_context("/"):
        missing = sorted(a for a in actions if not known(a))
        assert not missing, missing
        for t in workflow.TRANSITIONS:  # every step transition, taken in the demo or not
            assert known(t.action) and words(t.action).startswith(f"Bước {int(t.step)} – ")
            assert str(workflow.named(t.step, t.name)[0].label) in words(t.action)


@pytest.mark.parametrize("lang, text", [("vi", "Đăng nhập"), ("en", "Signed in to fieldwork")])
def test_the_audit_page_shows_words(client, factory, lang, text):
    manager = factory.user("manager")
    assert login(client, manager.email, PASSWORD).status_code == 302
    client.post(f"/lang/{lang}", data={"csrf_token": csrf_token(client, "/"), "next": "/"})
    html = client.get("/audit/").get_data(as_text=True)
    cell = re.search(r'<td title="user\.login" data-action="user\.login"[^>]*>([^<]+)</td>', html)
    assert cell and cell.group(1).strip() == text
    assert "<code>user.login</code>" not in html

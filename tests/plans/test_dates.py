"""The survey page: dates typed and shown as dd/mm/yyyy whatever the browser's locale (no
native date input, which shows the browser's order), yyyy-mm-dd accepted too, in both
languages, a bad date refused with a clear message and nothing changed; printing two clicks
away (the print page opens on its new-batch form)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from fieldwork.plans.models_workflow import Step, StepState
from fieldwork.plans.steps import ensure

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from .helpers import put_in_state, use_fake_forms

DATE_INPUT = re.compile(r'<input type="text" name="(due_\d)"[^>]*value="([^"]*)"[^>]*>')


@pytest.fixture()
def world(factory, db, monkeypatch):
    use_fake_forms(monkeypatch)
    manager = factory.user("manager")
    survey = factory.survey(agencies=[factory.agency()])
    ensure(survey)[Step.PLAN].due_date = date(2026, 3, 31)
    put_in_state(db, survey, Step.FIELDWORK, StepState.IN_FIELD)
    db.session.commit()
    return survey, manager


def _lang(client, lang):
    client.post(f"/lang/{lang}", data={"csrf_token": csrf_token(client, "/"), "next": "/"})


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_dates_are_shown_and_typed_as_dd_mm_yyyy(client, db, world, lang):
    survey, manager = world
    login(client, manager.email, PASSWORD)
    _lang(client, lang)
    for path in (f"/surveys/{survey.code}", f"/surveys/{survey.code}/step/3"):
        html = client.get(path).get_data(as_text=True)
        assert 'type="date"' not in html, path
    html = client.get(f"/surveys/{survey.code}").get_data(as_text=True)
    fields = dict(DATE_INPUT.findall(html))
    assert fields["due_1"] == "31/03/2026" and fields["due_2"] == ""
    assert 'placeholder="dd/mm/yyyy"' in html
    assert ("ví dụ 31/03/2026" if lang == "vi" else "e.g. 31/03/2026") in html

    token = csrf_token(client, f"/surveys/{survey.code}")
    data = {f"due_{n}": "" for n in range(1, 7)} | {"csrf_token": token}
    client.post(f"/surveys/{survey.code}/dates", data=data | {"due_1": "05/04/2026",
                                                              "due_2": "2026-06-30"})
    db.session.expire_all()
    rows = ensure(survey)
    assert rows[Step.PLAN].due_date == date(2026, 4, 5)
    assert rows[Step.QUESTIONNAIRE].due_date == date(2026, 6, 30)

    resp = client.post(f"/surveys/{survey.code}/dates", data=data | {
        "due_1": "31/13/2026", "due_2": "2026-06-30"}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert ("31/03/2026" in page) and ("31/13/2026" in page)  # the example and what was typed
    assert "Traceback" not in page
    db.session.expire_all()
    assert ensure(survey)[Step.PLAN].due_date == date(2026, 4, 5)  # nothing changed


def test_printing_is_two_clicks_from_the_survey_page(client, world, factory):
    """The survey page's "Print forms" opens the print page with the new-batch form first."""
    survey, manager = world
    login(client, manager.email, PASSWORD)
    html = client.get(f"/surveys/{survey.code}").get_data(as_text=True)
    link = re.search(r'id="print-forms" href="([^"]+)"', html)
    assert link and link.group(1).endswith("#new-batch")
    page = client.get(link.group(1).split("#")[0]).get_data(as_text=True)
    assert page.index('id="new-batch"') < page.index("<table")

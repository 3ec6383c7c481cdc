"""Every demo account's start page names the work waiting for it, and one click opens it.

Signed in as each demo account in Chromium: the "Waiting for you" card lists the account's
queues (count and link), the menu badge of the entry that leads there adds up the same counts,
and following each line opens a page that answers without error. The Home Affairs reviewer
finds DEMO-2027's submitted questionnaire and, one click on, the buttons to approve or return.
"""

from __future__ import annotations

import re

import pytest

from .conftest import login

# (queue, survey) each account must find; more may be listed.
EXPECTED = {
    "quanly@demo.vn": {("plans.steps", "DEMO-2026"), ("entry.review", "DEMO-2026"),
                       ("omr.verify", "DEMO-2026")},
    "dtv.lan@demo.vn": {("entry.key", "DEMO-2026"), ("plans.field", "DEMO-2026")},
    "dtv.hung@demo.vn": {("entry.key", "DEMO-2026"), ("plans.field", "DEMO-2026")},
    "smq@demo.vn": {("omr.verify", "DEMO-2026"), ("omr.texts", "DEMO-2026")},
    "snv@demo.vn": {("forms.approve", "DEMO-2027")},
    "phuctra@demo.vn": {("quality.contact", "DEMO-2026")},
}


def _items(page) -> list[dict]:
    return page.locator("#work .work-item").evaluate_all(
        """els => els.map(e => ({queue: e.dataset.queue, survey: e.dataset.survey,
                                 count: e.dataset.count,
                                 shown: e.querySelector('.work-count').innerText,
                                 href: e.querySelector('a.work-link').getAttribute('href'),
                                 text: e.querySelector('a.work-link').innerText}))""")


@pytest.mark.parametrize("email", list(EXPECTED))
def test_start_page_lists_the_work_and_opens_it(page, email):
    login(page, email)
    page.goto("/")
    items = _items(page)
    got = {(i["queue"], i["survey"]) for i in items}
    assert EXPECTED[email] <= got, got
    for i in items:
        assert int(i["count"]) > 0 and i["text"].strip()
        assert i["shown"].replace(".", "") == i["count"]  # Vietnamese thousands: 1.234
    # The menu's badges add up the lines of the queues behind each entry.
    badges = page.locator("nav a.nav-link .work-badge").evaluate_all(
        "els => els.map(e => parseInt(e.innerText.replace(/\\./g, ''), 10))")
    assert sum(badges) == sum(int(i["count"]) for i in items)
    # One click opens each line's work.
    for i in items:
        response = page.goto(i["href"])
        assert response.ok, (i, response.status)
        assert "/login" not in page.url


def test_home_affairs_approves_from_the_start_page(page):
    login(page, "snv@demo.vn")
    page.goto("/")
    line = page.locator('#work .work-item[data-queue="forms.approve"][data-survey="DEMO-2027"]')
    line.locator("a.work-link").click()
    page.wait_for_url(re.compile(r"DEMO-2027.*v1$"))
    assert page.locator("button[formaction$='/v1/transition/approve']").count() == 1
    assert page.locator("button[formaction$='/v1/transition/return']").count() == 1

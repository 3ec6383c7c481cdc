"""Every demo account's start page names the work waiting for it, and one click opens it.

Signed in as each demo account in Chromium: the "Waiting for you" card lists the account's
queues (count and link), the menu badge of the entry that leads there adds up the same counts,
and following each line opens a page that answers without error and shows the same amount of
work, counted there by other means: the rows of the list it opens, the items met by walking
its queue with "Skip", the forms handed back less those entered. The Home Affairs reviewer
finds DEMO-2027's submitted questionnaire and, one click on, the buttons to approve or return;
the agency reviewers find DEMO-2026-CD's draft, one click away. The menu fits the window at
1280 and 1024 px, in both languages, without an entry broken over two lines.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from .conftest import login

# (queue, survey) each account must find; more may be listed.
EXPECTED = {
    "quanly@demo.vn": {("plans.steps", "DEMO-2026"), ("plans.steps", "DEMO-2026-DN"),
                       ("entry.review", "DEMO-2026"), ("omr.verify", "DEMO-2026")},
    "dtv.lan@demo.vn": {("entry.key", "DEMO-2026"), ("plans.field", "DEMO-2026")},
    "dtv.hung@demo.vn": {("entry.key", "DEMO-2026"), ("plans.field", "DEMO-2026")},
    "smq@demo.vn": {("omr.verify", "DEMO-2026"), ("omr.texts", "DEMO-2026")},
    "snv@demo.vn": {("forms.approve", "DEMO-2027")},
    "stp@demo.vn": {("plans.round", "DEMO-2026-CD")},
    "phuchau@demo.vn": {("plans.round", "DEMO-2026-CD")},
    "phuctra@demo.vn": {("quality.contact", "DEMO-2026")},
    "congchung@demo.vn": {("reports.published", "")},
}


def _items(page) -> list[dict]:
    return page.locator("#work .work-item").evaluate_all(
        """els => els.map(e => ({queue: e.dataset.queue, survey: e.dataset.survey,
                                 count: e.dataset.count,
                                 shown: e.querySelector('.work-count').innerText,
                                 href: e.querySelector('a.work-link').getAttribute('href'),
                                 text: e.querySelector('a.work-link').innerText}))""")


def _number(text: str) -> int:
    digits = re.sub(r"\D", "", text)
    return int(digits) if digits else 0


def _walk(page, skip: str) -> int:
    """Distinct items met by following the page's "Skip" link until the queue ends or comes
    round again (the queues wrap to their start)."""
    seen: set[str] = set()
    while page.locator(skip).count():
        href = page.locator(skip).first.get_attribute("href")
        item = re.search(r"after=(\d+)", href).group(1)
        if item in seen:
            break
        seen.add(item)
        page.goto(href)
    return len(seen)


def _rows(page, selector: str) -> int:
    return page.locator(selector).count()


def _review(page) -> int:
    """Sheets through entry still to decide: the rows of the received, with-issues and edited
    lists whose entry column says nothing (a sheet still in adjudication says so)."""
    base = page.url
    n = 0
    for state in ("received", "has_issues", "edited"):
        page.goto(f"{base}&state={state}")
        n += sum(1 for t in page.locator("main table tbody tr td:nth-child(3)").all_inner_texts()
                 if not t.strip())
    return n


def _to_key(page) -> int:
    """Forms handed back filled in less those entered, over the keyer's serial ranges."""
    n = 0
    for row in page.locator("main table").first.locator("tbody tr").all():
        returned = row.locator("td.returned").inner_text().strip()
        if returned and returned != "—":
            n += max(0, _number(returned) - _number(row.locator("td.entered").inner_text()))
    return n


def _field(page, name: str) -> int:
    """The user's assignment cards with a range not back yet, or with no range at all."""
    n = 0
    for card in page.locator("#assignments .card[id^=assignment-]").all():
        if card.locator("strong").first.inner_text().strip() != name:
            continue
        returned = card.locator("tbody tr td:nth-child(3)").all_inner_texts()
        n += not returned or any(t.strip() == "—" for t in returned)
    return n


def _round(page) -> int:
    """Open rounds that sent the user's agency a draft it has not commented on."""
    n = 0
    for section in page.locator("section[id^=round-]").all():
        is_open = section.locator("h2 .badge.text-bg-primary").count() == 1
        sent = section.locator("ul.small li a").count() > 0
        n += is_open and sent and section.locator(".card[id^=comment-]").count() == 0
    return n


def _versions(page, status: str) -> int:
    page.locator("nav .breadcrumb a").last.click()
    page.wait_for_url(re.compile(r"/questionnaire/$"))
    return _rows(page, f"main tbody .badge.status-{status}")


def _step(page, role: str) -> int:
    """A step page counts one when its "Waiting for" line names the user's role."""
    waiting = page.locator("main .small.text-muted", has_text="Chờ:").first.inner_text()
    return int(role in waiting)


def count_on_page(page, queue: str, who: dict) -> int:
    """How much of ``queue``'s work the page the line opened shows (``page`` is on it)."""
    counters = {
        "omr.verify": lambda: _walk(page, "#verify a#skip"),
        "omr.texts": lambda: _walk(page, "main a.btn[href*='after=']"),
        "entry.adjudicate": lambda: _rows(page, "main table tbody tr"),
        "entry.review": lambda: _review(page),
        "entry.key": lambda: _to_key(page),
        "plans.field": lambda: _field(page, who["name"]),
        "plans.round": lambda: _round(page),
        "plans.steps": lambda: _step(page, who["role"]),
        "forms.approve": lambda: _versions(page, "submitted"),
        "forms.revise": lambda: _versions(page, "returned"),
        "quality.contact": lambda: sum(
            1 for t in page.locator("#recheck-items tbody tr td:nth-child(7)").all_inner_texts()
            if t.strip() == "Chưa liên hệ"),
        "reports.published": lambda: _rows(page, "article.pub-survey"),
        "jobs.failed": lambda: _rows(page, "main tbody .badge.text-bg-danger"),
    }
    assert queue in counters, f"no independent count on the page for queue {queue}"
    return counters[queue]()


@pytest.mark.parametrize("email", list(EXPECTED))
def test_start_page_lists_the_work_and_opens_it(page, email):
    login(page, email)
    page.goto("/")
    items = _items(page)
    got = {(i["queue"], i["survey"]) for i in items}
    assert EXPECTED[email] <= got, got
    who = {"name": page.locator("nav .dropdown > button").inner_text().strip(),
           "role": page.locator("main .badge.text-bg-info").first.inner_text().strip()}
    for i in items:
        assert int(i["count"]) > 0 and i["text"].strip()
        assert i["shown"].replace(".", "") == i["count"]  # Vietnamese thousands: 1.234
    # The menu's badges add up the lines of the queues behind each entry.
    badges = page.locator("nav a.nav-link .work-badge").evaluate_all(
        "els => els.map(e => parseInt(e.innerText.replace(/\\./g, ''), 10))")
    assert sum(badges) == sum(int(i["count"]) for i in items)
    # One click opens each line's work, and that page shows as much of it.
    for i in items:
        response = page.goto(urljoin(page.url, i["href"]))
        assert response.ok, (i, response.status)
        assert "/login" not in page.url
        assert count_on_page(page, i["queue"], who) == int(i["count"]), i


def test_home_affairs_approves_from_the_start_page(page):
    login(page, "snv@demo.vn")
    page.goto("/")
    line = page.locator('#work .work-item[data-queue="forms.approve"][data-survey="DEMO-2027"]')
    line.locator("a.work-link").click()
    page.wait_for_url(re.compile(r"DEMO-2027.*v1$"))
    assert page.locator("button[formaction$='/v1/transition/approve']").count() == 1
    assert page.locator("button[formaction$='/v1/transition/return']").count() == 1


@pytest.mark.parametrize("email", ["stp@demo.vn", "phuchau@demo.vn"])
def test_agency_reviewer_comments_from_the_start_page(page, email):
    """One click from the start page: the agency's own draft of DEMO-2026-CD and the form to
    file a written comment on it; no other agency's draft."""
    login(page, email)
    page.goto("/")
    line = page.locator('#work .work-item[data-queue="plans.round"][data-survey="DEMO-2026-CD"]')
    line.locator("a.work-link").click()
    page.wait_for_url(re.compile(r"/surveys/DEMO-2026-CD/step/5$"))
    drafts = page.locator("section#round-1 ul.small li").all_inner_texts()
    assert len(drafts) == 1, drafts
    agency = "Sở Tư pháp" if email.startswith("stp") else "Phường Hải Châu"
    assert drafts[0].startswith(agency + ":"), drafts
    pdf = page.request.get(page.locator("section#round-1 ul.small li a").first.get_attribute(
        "href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF-")
    assert page.locator("section#round-1 form textarea[name=text]").count() == 1


@pytest.mark.parametrize("email", ["quanly@demo.vn", "snv@demo.vn"])
def test_menu_fits_the_window(page, email):
    """At 1280 and 1024 px, Vietnamese and English: nothing of the menu bar runs off the
    window (the entries go on to a second line instead) and no entry breaks inside."""
    login(page, email)
    try:
        for language in ("vi", "en"):
            _language(page, language)
            for width in (1280, 1024):
                page.set_viewport_size({"width": width, "height": 900})
                bar = page.evaluate("""() => {
                    const n = document.querySelector('nav .container-fluid');
                    return {scroll: n.scrollWidth, client: n.clientWidth,
                            right: Math.max(...[...n.querySelectorAll('a, button')]
                                            .map(e => e.getBoundingClientRect().right))}; }""")
                assert bar["scroll"] <= bar["client"] and bar["right"] <= width, (
                    language, width, bar)
                # One line of text per entry: no taller than two lines, padding included.
                tall = page.locator("nav .navbar-nav > li > a.nav-link").evaluate_all(
                    """els => els.filter(e => e.getClientRects().length > 1 ||
                            e.getBoundingClientRect().height >
                            2 * parseFloat(getComputedStyle(e).lineHeight))
                          .map(e => e.innerText)""")
                assert not tall, (language, width, tall)
    finally:
        _language(page, "vi")  # the account keeps its language: leave it as the demo has it


def _language(page, language: str) -> None:
    page.goto("/")
    if page.evaluate("document.documentElement.lang") != language:
        page.locator("nav form:has(input[name=next]) button").click()
        page.wait_for_function(f"document.documentElement.lang === '{language}'")

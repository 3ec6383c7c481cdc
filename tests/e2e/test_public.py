"""The public results page on a phone, signed out: no sideways scroll, DEMO-2025's index."""

from __future__ import annotations

import re

import pytest

from .conftest import check_browser_errors, new_context

PHONE = {"width": 390, "height": 844}


@pytest.fixture()
def phone(browser, live_server, problems, request):
    """A page of a phone-sized context (touch, mobile viewport), not signed in."""
    ctx = new_context(browser, live_server, problems, viewport=PHONE, is_mobile=True,
                      has_touch=True, device_scale_factor=2)
    pg = ctx.new_page()
    yield pg
    check_browser_errors(request, problems, ctx)
    ctx.close()


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a 390px phone"


def test_public_page_on_a_phone_shows_the_published_index(phone, live_server):
    page = phone
    response = page.goto("/bao-cao-khao-sat/")
    assert response.status == 200
    assert "/login" not in page.url
    survey = page.locator("#ks-DEMO-2025")
    survey.wait_for()
    assert re.fullmatch(r"\d+,\d+%", survey.locator(".pub-index-value").inner_text().strip())
    assert survey.locator(".pub-index-value").is_visible()
    chart = survey.locator("img.pub-chart")
    chart.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=chart.element_handle(), timeout=30_000)
    _no_sideways_scroll(page)
    # The agency table opens inside the page width too.
    survey.locator("details.pub-details summary").click()
    _no_sideways_scroll(page)
    # One survey's page with its agency search.
    survey.locator(".pub-survey-title a").click()
    page.wait_for_url(re.compile(r"/bao-cao-khao-sat/DEMO-2025$"))
    _no_sideways_scroll(page)
    # The sources beside the headline: each name spans its card, each figure has its label.
    rows = page.locator("#sources tbody tr")
    assert rows.count() >= 4
    for i in range(rows.count()):
        row = rows.nth(i)
        name, card = row.locator("th").bounding_box(), row.bounding_box()
        assert name["width"] > 0.7 * card["width"], row.inner_text()
        labels = [c.get_attribute("data-label") for c in row.locator("td").all()]
        assert len(labels) == 3 and all(labels), row.inner_text()

"""The scanning operator decides a doubtful mark in the verification queue with one key."""

from __future__ import annotations

import re

from .conftest import login

SCANNER = "smq@demo.vn"


def _pending(page) -> int:
    return int(re.sub(r"\D", "", page.locator("h1 .badge").inner_text()))


def _crop_loaded(page) -> None:
    crop = page.locator(".omr-crop img")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=crop.element_handle())


def test_operator_decides_a_doubtful_mark_with_one_key(page):
    login(page, SCANNER)
    page.goto("/scans/verify?survey=")
    before = _pending(page)
    assert before > 0, "the demo leaves doubtful marks to verify"
    # Skip (the link, as the digits box holds the keys) to a multiple-choice answer.
    for _ in range(before):
        if page.locator("#verify").get_attribute("data-kind") == "multiple":
            break
        page.click("#skip")
        page.wait_for_load_state()
    else:
        raise AssertionError("no multiple-choice answer waits in the queue")
    _crop_loaded(page)
    question = page.locator("#verify h2").inner_text()
    decided = page.locator("#decision").get_attribute("action")
    # One key: Enter keeps the boxes read as marked (the ones shown checked) and saves.
    page.locator("#verify").click(position={"x": 5, "y": 5})  # the page, not a field, has focus
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _pending(page) == before - 1, question
    if page.locator("#decision").count():
        assert page.locator("#decision").get_attribute("action") != decided

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
    # Skip (the link, as the digits box holds the keys) to a choice answer (the one-side
    # demo sheets leave two marks in a single choice rather than a doubt in a multiple one).
    for _ in range(before):
        kind = page.locator("#verify").get_attribute("data-kind")
        if kind in ("multiple", "single"):
            break
        page.click("#skip")
        page.wait_for_load_state()
    else:
        raise AssertionError("no choice answer waits in the queue")
    _crop_loaded(page)
    question = page.locator("#verify h2").inner_text()
    decided = page.locator("#decision").get_attribute("action")
    # One key: in a multiple choice Enter keeps the boxes read as marked (the ones shown
    # checked) and saves; in a single choice the answer's own key saves it at once.
    page.locator("#verify").click(position={"x": 5, "y": 5})  # the page, not a field, has focus
    with page.expect_navigation():
        page.keyboard.press("Enter" if kind == "multiple" else "1")
    assert _pending(page) == before - 1, question
    if page.locator("#decision").count():
        assert page.locator("#decision").get_attribute("action") != decided

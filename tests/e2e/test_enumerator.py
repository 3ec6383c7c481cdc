"""An enumerator keys a paper sheet on the keyboard-first screen; the manager reviews it."""

from __future__ import annotations

import re

from .conftest import login, switch_user

ENUMERATOR = "dtv.lan@demo.vn"
MANAGER = "quanly@demo.vn"
# Batch 00000012-00000021 is issued to her in the demo (after the eleven generic sheets of
# 00000001-00000011): personalised sheets of Sở Tư pháp's drawn dossiers, all but the last
# scanned back.
BATCH = range(12, 22)


def _focused(page) -> str:
    return page.evaluate("document.activeElement.name || document.activeElement.id")


def _first_unkeyed(page) -> int:
    """A serial of her batch that opens a blank keying form (a keyed one sends her back)."""
    for serial in BATCH:
        page.goto(f"/entry/DEMO-2026/key/{serial}")
        if page.url.endswith(f"/key/{serial}") and not page.locator(".alert-info").count():
            return serial
    raise AssertionError("every sheet of her demo batch is keyed already")


def test_enumerator_keys_a_sheet_and_the_manager_sees_it(page):
    login(page, ENUMERATOR)
    SERIAL = _first_unkeyed(page)  # noqa: N806
    page.goto("/entry/DEMO-2026/key")
    # The serial box has the focus: type the serial printed on the paper and press Enter.
    assert _focused(page) == "serial"
    page.keyboard.type(str(SERIAL))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/entry/DEMO-2026/key/{SERIAL}$"))
    assert page.locator(".entry-serial").inner_text().endswith(str(SERIAL))

    kb = page.keyboard
    # One rule, said on the screen: Enter or Tab moves on, the cursor never moves by itself.
    assert "con trỏ không tự chuyển câu" in page.content()
    # Agency and field are lists, starting on what the sheet's record says; typing without
    # accents finds an entry. The dossier (and so no phone, no ID) is printed on the sheet.
    assert _focused(page) == "find-sheet_agency"
    assert page.locator("#sheet_agency option:checked").inner_text() == "Sở Tư pháp"
    kb.type("phuong hai chau")
    assert page.locator("#sheet_agency option:checked").inner_text() == "Phường Hải Châu"
    page.fill("#find-sheet_agency", "")
    kb.type("so tu")
    assert page.locator("#sheet_agency option:checked").inner_text() == "Sở Tư pháp"
    kb.press("Enter")
    assert _focused(page) == "find-sheet_field"
    kb.press("Enter")
    assert page.locator("input[name=a_phone]").count() == 0
    assert page.locator("input[name=a_dossier_code]").count() == 0
    assert _focused(page) == "a_survey_date"
    kb.type("15072026")  # a full date: the cursor stays
    assert _focused(page) == "a_survey_date"
    kb.press("Shift+Tab")  # back to the field, then on again
    assert _focused(page) == "find-sheet_field"
    kb.press("Tab")
    kb.press("Tab")
    assert _focused(page) == "a_q01"
    kb.press("2")  # not satisfied: the reasons question opens; the cursor stays
    assert _focused(page) == "a_q01"
    kb.press("Tab")
    assert _focused(page) == "a_q02"
    kb.press("2")
    kb.press("4")
    kb.press("Enter")  # "other reason" does not apply: skipped
    assert _focused(page) == "a_q03"
    kb.type("E2E: phải đi lại ba lần.")
    kb.press("Control+Enter")
    page.wait_for_load_state()
    page.wait_for_url(lambda url: not url.endswith(f"/key/{SERIAL}"))
    assert page.locator(".alert-success").count() == 1, page.locator(".alert").all_inner_texts()

    switch_user(page, MANAGER)
    page.goto(f"/entry/DEMO-2026/sheets/{SERIAL}")
    body = page.locator("main").inner_text()
    assert "E2E: phải đi lại ba lần." in body
    assert "Nguyễn Thị Lan" in body

"""The manager's sampling frame in the browser: upload a dossier list, map it, dry run,
import it (a background job), draw again with a reason, and take the lists."""

from __future__ import annotations

import re

from fieldwork.frames.demo import dossier_list

from .conftest import login

MANAGER = "quanly@demo.vn"


def test_manager_imports_a_dossier_list_draws_and_takes_the_lists(page, tmp_path):
    login(page, MANAGER)
    page.goto("/frames/DEMO-2026")
    before = page.locator("#strata tbody tr").count()
    assert before > 0  # the demo's frame of the four smallest agencies
    path = tmp_path / "ho-so-so-tu-phap.csv"
    path.write_bytes(dossier_list([("Sở Tư pháp", 120)], ["HT", "CT"], seed=7))
    page.set_input_files("input[type=file][name=file]", str(path))
    page.locator("form[action$='/upload'] [type=submit]").click()
    page.wait_for_url(re.compile(r"/frames/upload/[\w-]+$"))
    # The columns are recognised from the Vietnamese headers; a dry run first.
    assert page.locator("select[name=map_code]").input_value() == "Mã hồ sơ"
    page.locator("[name=dry_run]").click()
    assert "120" in page.locator("main, body").first.inner_text()
    page.locator("[name=commit]").click()
    # The import runs as a job; its page follows it to the frame when it is done.
    page.wait_for_url(re.compile(r"/frames/DEMO-2026$"), timeout=120_000)
    assert "120" in page.locator(".alert-success").inner_text()
    assert page.locator("#strata tbody tr", has_text="Sở Tư pháp").count() >= 1
    # Drawing again needs a reason.
    page.fill("input[name=seed]", "77")
    page.fill("input[name=reason]", "Thêm danh sách hồ sơ của Sở Tư pháp")
    page.locator("form[action$='/draw'] [type=submit]").click()
    page.wait_for_url(re.compile(r"/frames/draws/\d+$"))
    assert page.locator(".alert-success").count() == 1
    # The invitation lists are typeset while the click waits: give a loaded machine time.
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("link", name=re.compile("PDF")).click(timeout=90_000)
    with open(info.value.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("CSV")).nth(1).click()
    with open(info.value.path(), encoding="utf-8-sig") as fh:
        text = fh.read()
    assert text.splitlines()[0].count(",") >= 3 and "Sở Tư pháp" in text

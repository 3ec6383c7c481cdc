"""Step 3 on paper: the manager prints a batch, the scanning operator uploads its scans.

The scans are the printed PDF itself, filled and scanned by tests/omr/generator.py.
"""

from __future__ import annotations

import json
import re

from tests.omr import generator

from .conftest import login, switch_user

MANAGER = "quanly@demo.vn"
SCANNER = "smq@demo.vn"
PRINT = "/surveys/DEMO-2026/questionnaire/print"


def _fetch(page, link) -> bytes:
    """What the link serves, fetched with the page's cookies (a PDF opens inline)."""
    response = page.request.get(link.get_attribute("href"))
    assert response.ok, response.status
    return response.body()


def test_manager_prints_a_batch_and_the_operator_uploads_its_scans(page, tmp_path):
    login(page, MANAGER)
    page.goto(PRINT)
    page.select_option("#target", label="Phường Hải Châu")
    page.fill("#count", "2")
    page.click("#new-batch summary")
    page.select_option("#assigned_user_id", label="Trần Văn Hùng")
    page.click("#new-batch button[type=submit]")
    # A background job prints the batch; its page follows it and comes back here when done.
    page.wait_for_url(re.compile(re.escape(PRINT) + "$"), timeout=60_000)
    flash = page.locator(".alert-success").inner_text()
    first, last = re.search(r"(\d{8})-(\d{8})", flash).groups()
    row = page.locator("tbody tr", has_text=f"{first}–{last}")
    assert "Trần Văn Hùng" in row.locator("select[name=assigned_user_id] option:checked")\
        .inner_text()
    pdf = _fetch(page, row.get_by_role("link", name="PDF"))
    assert pdf.startswith(b"%PDF-")
    layout = json.loads(_fetch(page, row.locator("a", has_text=re.compile("Bố cục|Layout"))))
    serials = [f"{n:08d}" for n in range(int(first), int(last) + 1)]
    files = generator.write(generator.scans(pdf, layout, serials, seed=8), tmp_path / "scans")

    switch_user(page, SCANNER)
    page.goto("/scans/")
    option = page.locator("#survey option", has_text="DEMO-2026 ·")
    page.select_option("#survey", value=option.get_attribute("value"))
    page.set_input_files("#files", [str(f) for f in files])
    page.click("#submit")
    page.wait_for_url(re.compile(r"/scans/\d+$"))
    # The page follows the reading live and reloads itself when it is over.
    page.wait_for_selector("#progress[data-status=done], #progress[data-status=failed]",
                           timeout=90_000)
    assert page.locator("#progress").get_attribute("data-status") == "done"
    assert int(page.locator("#rejected").inner_text()) == 0
    assert int(page.locator("#read").inner_text()) == len(files)

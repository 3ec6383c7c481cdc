"""Printing from the survey page in two clicks, as a background job with progress.

The manager chooses what to print (drawn dossiers of Sở Tư pháp, or a ward's generic
sheets), then Print; the job page follows the printing and brings her back to the batches,
where the PDF is: one A4 side per sheet, the agency and the dossier printed on it.
"""

from __future__ import annotations

import re
import subprocess

from .conftest import login

MANAGER = "quanly@demo.vn"
SURVEY = "/surveys/DEMO-2026"
PRINT = "/surveys/DEMO-2026/questionnaire/print"


def _pdf_text(page, row, tmp_path) -> tuple[str, int]:
    """The text and page count of a batch row's PDF, as pdftotext reads it."""
    link = row.get_by_role("link", name="PDF")
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF-")
    path = tmp_path / "batch.pdf"
    path.write_bytes(response.body())
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text, pages


def test_two_clicks_on_the_survey_page_print_the_drawn_dossiers(page, tmp_path):
    login(page, MANAGER)
    page.goto(SURVEY)
    quick = page.locator("#quick-print")
    choice = quick.locator("option", has_text=re.compile(r"^Sở Tư pháp \(\d+"))
    waiting = int(re.search(r"\((\d+)", choice.inner_text()).group(1))
    assert waiting > 20
    page.select_option("#quick-target", value=choice.get_attribute("value"))  # click 1
    assert page.input_value("#quick-count") == str(waiting)  # every one not printed yet
    page.fill("#quick-count", "20")
    quick.get_by_role("button").click()  # click 2
    page.wait_for_url(re.compile(r"/jobs/\d+"))
    page.wait_for_url(re.compile(re.escape(PRINT) + "$"), timeout=90_000)
    flash = page.locator(".alert-success").inner_text()
    first, last = re.search(r"(\d{8})-(\d{8})", flash).groups()
    assert int(last) - int(first) == 19
    row = page.locator("tbody tr", has_text=f"{first}–{last}")
    assert "Theo hồ sơ rút mẫu" in row.inner_text()
    text, pages = _pdf_text(page, row, tmp_path)
    assert pages == 20  # one A4 side each
    assert text.count("SỞ TƯ PHÁP") >= 20 and text.count("Hồ sơ của Ông/Bà") == 20
    assert "Ngày trả kết quả" in text and "Số điện thoại" not in text
    assert "UBND THÀNH PHỐ ĐÀ NẴNG" in text and "Trung tâm Khảo sát" in text
    assert "giữ bí mật" in text
    # The survey page now offers 20 fewer.
    page.goto(SURVEY)
    left = page.locator("#quick-print option", has_text=re.compile(r"^Sở Tư pháp \(\d+"))
    assert int(re.search(r"\((\d+)", left.inner_text()).group(1)) == waiting - 20


def test_generic_sheets_for_a_ward_carry_its_fields_to_tick(page, tmp_path):
    login(page, MANAGER)
    page.goto(SURVEY)
    page.select_option("#quick-target", label="Phường Hải Châu")
    page.fill("#quick-count", "3")
    page.locator("#quick-print").get_by_role("button").click()
    page.wait_for_url(re.compile(re.escape(PRINT) + "$"), timeout=90_000)
    first, last = re.search(r"(\d{8})-(\d{8})",
                            page.locator(".alert-success").inner_text()).groups()
    row = page.locator("tbody tr", has_text=f"{first}–{last}")
    assert "Phường Hải Châu" in row.inner_text()
    text, pages = _pdf_text(page, row, tmp_path)
    assert pages == 3 and text.count("PHƯỜNG HẢI CHÂU") == 3
    assert "Lĩnh vực của hồ sơ" in text and "Hộ tịch" in text and "Số điện thoại" in text
    # A count of 0 is refused before anything is sent.
    page.goto(SURVEY)
    page.select_option("#quick-target", label="Phường Hải Châu")
    page.fill("#quick-count", "0")
    page.locator("#quick-print").get_by_role("button").click()
    assert page.url.endswith(SURVEY)
    assert not page.eval_on_selector("#quick-count", "e => e.validity.valid")

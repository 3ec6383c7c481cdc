"""The contractor manager in the browser: statistics, then a new report version and its PDF."""

from __future__ import annotations

import re

from .conftest import login

MANAGER = "quanly@demo.vn"


def test_statistics_page_shows_overall_rate_and_agency_chart(page):
    login(page, MANAGER)
    page.goto("/stats/DEMO-2026")
    overall = page.locator("#overall")
    assert re.search(r"\d+,\d+%", overall.locator(".display-6").inner_text())
    assert page.locator("#agencies tbody tr").count() > 5
    chart = page.locator("img[src*='/chart/agencies.png']")
    chart.scroll_into_view_if_needed()  # the charts load lazily
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=chart.element_handle(), timeout=30_000)
    assert chart.evaluate("img => img.naturalWidth") > 0


def test_manager_creates_a_report_version_and_downloads_its_pdf(page):
    login(page, MANAGER)
    page.goto("/reports/DEMO-2026")
    text = "E2E: hồ sơ đất đai trễ hạn ở hai phường."
    page.fill("#shortcomings", text)
    page.fill("#recommendations", "E2E: niêm yết thời hạn giải quyết tại quầy.")
    page.click("#create")
    page.wait_for_url(re.compile(r"/reports/DEMO-2026/drafts/\d+$"), timeout=120_000)
    assert page.locator(".alert-success").count() == 1
    assert text in page.locator("#shortcomings").inner_text()
    pdf_link = page.locator("#meta a", has_text="PDF")
    with page.expect_download() as info:
        pdf_link.click()
    path = info.value.path()
    with open(path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"


def test_manager_exports_spss_through_the_job_page(page):
    """The export runs as a job: its page shows progress, then the file downloads once."""
    login(page, MANAGER)
    page.goto("/stats/DEMO-2026")
    with page.expect_download(timeout=120_000) as info:
        page.locator("#exports button", has_text="SPSS (SAV)").first.click()
    assert info.value.suggested_filename == "DEMO-2026.sav.zip"
    with open(info.value.path(), "rb") as fh:
        assert fh.read(2) == b"PK"
    assert re.search(r"/jobs/\d+\?follow=1$", page.url)
    page.wait_for_selector("#job-download-note")
    assert page.locator("#job-status").inner_text() in ("Xong", "Done")
    page.goto("/jobs/")
    assert page.locator("tbody tr", has_text="DEMO-2026").count() >= 1

"""Home Affairs reads the synthesis drafts; an agency reviewer sees only its own agency.

(By design Home Affairs reads synthesis and field drafts, not the per-agency ones.)
"""

from __future__ import annotations

import re

from .conftest import login, switch_user

MANAGER = "quanly@demo.vn"
HOME_AFFAIRS = "snv@demo.vn"
AGENCY = "stp@demo.vn"  # Sở Tư pháp
OTHER_AGENCY = "Phường Hải Châu"
OTHER_AGENCY_REVIEWER = "phuchau@demo.vn"


def _sections(page) -> list[str]:
    return [t.strip() for t in page.locator("section[id^=scope-] h2").all_inner_texts()]


def test_home_affairs_reads_the_report_drafts(page):
    login(page, HOME_AFFAIRS)
    page.goto("/reports/DEMO-2025")
    sections = _sections(page)
    assert "Báo cáo tổng hợp" in sections, sections
    assert not any(OTHER_AGENCY in s for s in sections), sections
    assert page.locator("#new, #create").count() == 0  # reading only
    synthesis = page.locator("section[id^=scope-]").first
    synthesis.get_by_role("link", name=re.compile(r"^Phiên bản \d+")).first.click()
    page.wait_for_url(re.compile(r"/reports/DEMO-2025/drafts/\d+$"))
    assert re.search(r"\d+,\d+%", page.locator("#overall").inner_text())
    assert page.locator("#shortcomings").inner_text().strip()
    pdf = page.request.get(page.locator("#meta a", has_text="PDF").get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF-")


def test_agency_reviewer_sees_only_its_agency(page, problems):
    login(page, MANAGER)
    page.goto("/reports/DEMO-2025")
    own = page.locator("section[id^=scope-]", has_text="Sở Tư pháp")
    own_draft = own.get_by_role("link", name=re.compile(r"^Phiên bản")).first.get_attribute("href")

    switch_user(page, AGENCY)
    page.goto("/reports/DEMO-2025")
    assert _sections(page) == ["Báo cáo cơ quan, đơn vị: Sở Tư pháp"]
    page.goto(own_draft)
    assert "Sở Tư pháp" in page.locator("h1").inner_text()
    page.goto("/surveys/DEMO-2026")
    scope = page.locator("table", has_text="Tổng cộng")
    rows = scope.locator("tbody tr").all_inner_texts()
    assert len(rows) == 1 and rows[0].startswith("Sở Tư pháp"), rows

    # A reviewer of another agency gets neither that draft nor the synthesis or statistics.
    switch_user(page, OTHER_AGENCY_REVIEWER)
    page.goto("/reports/DEMO-2025")
    assert _sections(page) == []
    problems.allow(r"HTTP 403 ")
    problems.allow(r"status of 403")
    assert page.goto(own_draft).status == 403
    assert page.goto("/stats/DEMO-2026").status == 403

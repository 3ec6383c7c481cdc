"""Online self-completion in the browser: the manager's counter poster, a citizen scanning
it on a phone-sized browser, the kiosk tablet resetting after each answer, and both answers
in the statistics of the city online source beside paper, split by channel."""

from __future__ import annotations

import re

import pytest

from ..online.test_posters import decode_qr
from .conftest import check_browser_errors, login, new_context

MANAGER = "quanly@demo.vn"
PHONE = {"width": 390, "height": 844}


@pytest.fixture()
def phone(browser, live_server, problems, request):
    """A phone-sized page (touch, mobile viewport), signed out."""
    ctx = new_context(browser, live_server, problems, viewport=PHONE, is_mobile=True,
                      has_touch=True, device_scale_factor=2)
    pg = ctx.new_page()
    yield pg
    check_browser_errors(request, problems, ctx)
    ctx.close()


def _channels(page, source: str = "city_online") -> dict[str, int]:
    page.goto(f"/stats/DEMO-2026?source={source}")
    out = {}
    for row in page.locator("#channels tr").all():
        cells = [c.inner_text().strip() for c in row.locator("td").all()]
        out[cells[0]] = int(cells[1].replace(".", ""))
    return out


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a 390px phone"


def test_citizen_scans_the_poster_and_answers_on_a_phone(page, phone, live_server):
    login(page, MANAGER)
    before = _channels(page)
    page.goto("/online/DEMO-2026")
    row = page.locator("#agencies tbody tr").first
    agency = row.locator("td").first.inner_text().strip()
    poster = row.locator("a", has_text="A5").get_attribute("href")
    pdf = page.request.get(poster)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    links, _ = decode_qr(pdf.body())
    assert len(links) == 1 and re.fullmatch(re.escape(live_server) + r"/khao-sat/DEMO-2026/\d+",
                                            links[0])
    # The citizen's phone opens the scanned address: no sign-in, the approved form.
    phone.goto(links[0])
    assert "/login" not in phone.url
    assert phone.locator(".onl-agency").inner_text() == agency
    _no_sideways_scroll(phone)
    reasons = phone.locator("#q-q02")
    assert reasons.is_hidden()  # asked only when not satisfied
    phone.fill("#phone", "0912 345 678")
    phone.fill("#citizen_id", "048 190 000 123")
    phone.get_by_role("radio", name="Chưa hài lòng").check()
    assert reasons.is_visible()
    _no_sideways_scroll(phone)
    phone.get_by_role("checkbox", name="Phải liên hệ nhiều lần").check()
    phone.fill("textarea[name=a_q03]", "Cần hướng dẫn rõ hơn tại quầy.")
    phone.get_by_role("button", name="Hoàn thành").click()
    phone.wait_for_url(re.compile(r"/cam-on$"))
    assert "Xin cảm ơn" in phone.locator("#thanks").inner_text()
    phone.screenshot(path=str(_shot("online-thanks-phone")), full_page=True)
    after = _channels(page)
    assert after["Khảo sát trực tuyến"] == before["Khảo sát trực tuyến"] + 1
    assert "Phiếu giấy (nhập tay)" not in after  # the paper survey is another source


def test_a_bad_dossier_code_is_explained_on_the_phone(phone, live_server):
    phone.goto("/khao-sat/DEMO-2026/2")
    phone.fill("#dossier_code", "khong-co-ma-nay")
    phone.get_by_role("radio", name="Hài lòng", exact=True).check()
    phone.get_by_role("button", name="Hoàn thành").click()
    phone.wait_for_load_state()
    # The same words for an unknown and an already-used code (no oracle, issue 15).
    assert "Không dùng được mã hồ sơ KHONG-CO-MA-NAY" in phone.locator("#problem").inner_text()
    assert phone.input_value("#dossier_code") == "khong-co-ma-nay"
    _no_sideways_scroll(phone)
    phone.screenshot(path=str(_shot("online-bad-code-phone")), full_page=True)


def test_kiosk_resets_after_each_answer_and_counts_as_kiosk(page, browser, live_server,
                                                             problems, request):
    login(page, MANAGER)
    before = _channels(page)
    page.goto("/online/DEMO-2026")
    kiosk = page.locator("#agencies tbody tr").first.locator("td").nth(2).inner_text().strip()
    ctx = new_context(browser, live_server, problems, viewport={"width": 800, "height": 1280},
                      has_touch=True)
    try:
        tablet = ctx.new_page()
        tablet.goto(kiosk)
        assert tablet.locator("body[data-kiosk]").count() == 1
        tablet.fill("#phone", "0987 654 321")
        tablet.fill("#citizen_id", "048190000456")
        tablet.get_by_role("radio", name="Hài lòng", exact=True).check()
        tablet.get_by_role("button", name="Hoàn thành").click()
        tablet.wait_for_url(re.compile(r"/cam-on$"))
        # Back to an empty form by itself, the thank-you screen gone from the history.
        tablet.wait_for_url(kiosk, timeout=20_000)
        assert tablet.input_value("#phone") == ""
        tablet.go_back()
        assert tablet.url == kiosk and tablet.input_value("#phone") == ""
        check_browser_errors(request, problems, ctx)
    finally:
        ctx.close()
    after = _channels(page)
    kiosk_row = "Máy tính bảng tại Bộ phận một cửa"
    assert after[kiosk_row] == before.get(kiosk_row, 0) + 1


def _shot(name: str):
    from .conftest import ARTIFACTS
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"

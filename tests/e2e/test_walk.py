"""The six-step walk of DEMO-2026 from where the demo leaves it (step 3, in the field).

Runs last (it moves the survey on): the manager records the paper returned from the ranges
still out, closes fieldwork, sees step 4 measure each agency against its sample and name
what is missing, explains, attaches drafts, then steps 5 and 6; each move's button is the
step page's own transition form, and a blocked move shows why.
"""

from __future__ import annotations

from pathlib import Path

from .conftest import login, sign_out, switch_user

MANAGER = "quanly@demo.vn"
AGENCY_REVIEWER = "stp@demo.vn"
HOME_AFFAIRS = "snv@demo.vn"
STEP = "/surveys/DEMO-2026/step/{n}"


def _move(page, n: int, name: str) -> None:
    """Press the step's transition button and check the step took it."""
    page.goto(STEP.format(n=n))
    form = page.locator(f"form[action$='/step/{n}/do/{name}']")
    button = form.locator("button[type=submit]")
    assert button.is_enabled(), form.locator(".blocked").all_inner_texts()
    button.click()
    page.wait_for_load_state()
    done = page.locator(".alert-success", has_text="Đã thực hiện")  # "Done: <action>."
    assert done.count() == 1, page.locator(".alert").all_inner_texts()


def _submit(page, form) -> None:
    form.locator("button").click()
    page.wait_for_load_state()
    alerts = page.locator(".alert").all_inner_texts()
    assert page.locator(".alert-success").count() >= 1, alerts
    assert page.locator(".alert-danger, .alert-warning").count() == 0, alerts


def _state(page, n: int) -> str:
    page.goto(STEP.format(n=n))
    return page.locator(".step-state").first.inner_text().strip()


def _upload(page, n: int, kind: str, path: Path, agency: str | None = None) -> None:
    page.goto(STEP.format(n=n))
    form = page.locator("form.upload-form")
    form.locator("select[name=kind]").select_option(value=kind)
    if agency:
        form.locator("select[name=agency_id]").select_option(label=agency)
    form.locator("input[name=title]").fill(f"E2E {kind}")
    form.locator("input[name=file]").set_input_files(str(path))
    _submit(page, form)


def _pdf(path: Path, text: str) -> Path:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 720, text)
    pdf.save()
    return path


def test_manager_walks_steps_3_and_4(page, tmp_path):
    login(page, MANAGER)
    # Fieldwork cannot close while serial ranges handed out have no return recorded.
    page.goto(STEP.format(n=3))
    blocked = page.locator("form[action$='/step/3/do/close_fieldwork']")
    assert blocked.locator("button").is_disabled()
    assert blocked.locator(".blocked li").count() >= 1
    # A return larger than the range is refused; then each open range's paper is counted.
    open_ranges = page.locator("form[action$='/return'] input[name=completed][value='']")
    first = open_ranges.first.locator("xpath=ancestor::form[1]")
    first.locator("input[name=completed]").fill("9999")
    first.locator("input[name=unused]").fill("0")
    first.locator("button").click()
    page.wait_for_load_state()
    assert page.locator(".alert-danger").count() == 1
    while True:
        page.goto(STEP.format(n=3))
        empty = page.locator("form[action$='/return'] input[name=completed][value='']")
        if empty.count() == 0:
            break
        form = empty.first.locator("xpath=ancestor::form[1]")
        row = form.locator("xpath=ancestor::tr[1]/preceding-sibling::tr[1]")
        in_system = int(row.locator("td").nth(4).inner_text().replace(".", "") or 0)
        form.locator("input[name=completed]").fill(str(in_system))
        form.locator("input[name=unused]").fill("0")
        _submit(page, form)
    _move(page, 3, "close_fieldwork")
    assert _state(page, 3) == "Hoàn thành"

    # Step 4: the gate names the agencies short of their sample and those without a draft.
    _move(page, 4, "start_processing")
    page.goto(STEP.format(n=4))
    table = page.locator("table.progress-table")
    assert table.locator("tr.agency-row").count() >= 20
    assert table.locator("tr.agency-row", has_text="Sở Tư pháp").locator("td.approved") \
        .inner_text() != "0"
    blocked = page.locator("form[action$='/step/4/do/complete_drafts']")
    assert blocked.locator("button").is_disabled()
    reasons = " ".join(blocked.locator(".blocked li").all_inner_texts())
    assert "thấp hơn cỡ mẫu" in reasons and "Sở Tư pháp (đã duyệt" in reasons, reasons
    assert "Chưa có dự thảo kết quả" in reasons, reasons
    explain = page.locator("form#explanations")
    explain.locator("textarea[name=note_all]").fill("E2E: mùa mưa bão, ít hồ sơ hơn dự kiến.")
    explain.locator("textarea[name=draft_note_all]").fill(
        "E2E: kết quả của cơ quan nằm trong phụ lục báo cáo tổng hợp.")
    _submit(page, explain)
    # (A synthesis draft made on the reports page counts: test_manager may have made one.)
    _upload(page, 4, "report_draft", _pdf(tmp_path / "tong-hop.pdf", "Du thao tong hop"))
    _upload(page, 4, "agency_draft", _pdf(tmp_path / "stp.pdf", "Du thao So Tu phap"),
            agency="Sở Tư pháp")
    _move(page, 4, "complete_drafts")
    assert _state(page, 4) == "Đã có dự thảo báo cáo"


def test_comment_round_acceptance_and_publication(page, tmp_path):
    """Steps 5 and 6, after the test above: an agency comments, the manager answers, Home
    Affairs appraises the report, the manager issues and publishes it; the public sees it."""
    login(page, MANAGER)
    assert _state(page, 4) == "Đã có dự thảo báo cáo", "runs after test_manager_walks_steps_3_and_4"
    _move(page, 5, "open_round")

    switch_user(page, AGENCY_REVIEWER)
    page.goto(STEP.format(n=5))
    comment = page.locator("form[action*='/rounds/'][action$='/comments']")
    comment.locator("textarea[name=text]").fill("E2E: đề nghị ghi rõ số hồ sơ tháng 9.")
    _submit(page, comment)

    switch_user(page, MANAGER)
    page.goto(STEP.format(n=5))
    answer = page.locator("form[action*='/comments/'][action$='/response']").first
    answer.locator("xpath=ancestor::details[1]/summary").click()  # "Respond" opens the form
    answer.locator("textarea[name=response_text]").fill("E2E: tiếp thu.")
    answer.locator("textarea[name=change_made]").fill("E2E: thêm bảng số hồ sơ theo tháng.")
    _submit(page, answer)
    _move(page, 5, "close_round")
    _move(page, 5, "complete")
    assert _state(page, 5) == "Hoàn thành"

    _move(page, 6, "collect_opinions")
    page.goto(STEP.format(n=6))
    opinion = page.locator("form[action$='/opinions']")
    opinion.locator("input[name=source]").fill("Hội đồng tư vấn (văn bản)")
    opinion.locator("input[name=received_on]").fill("2026-12-01")
    opinion.locator("textarea[name=summary]").fill("E2E: đồng ý nghiệm thu.")
    _submit(page, opinion)
    _move(page, 6, "submit")

    switch_user(page, HOME_AFFAIRS)
    _move(page, 6, "appraise")

    switch_user(page, MANAGER)
    _upload(page, 6, "final_report", _pdf(tmp_path / "bao-cao.pdf", "Bao cao chinh thuc"))
    page.goto(STEP.format(n=6))  # issue waits until the report's number and recipients exist
    blocked = page.locator("form[action$='/step/6/do/issue'] .blocked").all_inner_texts()
    assert any("Nơi nhận" in b for b in blocked), blocked
    page.goto("/reports/DEMO-2026")
    issue = page.locator("form[action$='/reports/DEMO-2026/issue']")
    issue.locator("input[name=number]").fill("31")
    issue.locator("textarea[name=others]").fill("Trung tâm Phục vụ hành chính công thành phố")
    _submit(page, issue)
    sent = page.locator("#dispatch tbody tr").all_inner_texts()
    assert any("Sở Nội vụ (để báo cáo)" in r for r in sent), sent
    assert any("Sở Tư pháp" in r for r in sent), sent
    assert any("Trung tâm Phục vụ hành chính công" in r for r in sent), sent
    _move(page, 6, "issue")
    _move(page, 6, "publish")

    sign_out(page)
    page.goto("/bao-cao-khao-sat/")
    published = page.locator("#ks-DEMO-2026")
    published.wait_for()
    assert published.locator(".pub-file").count() >= 1

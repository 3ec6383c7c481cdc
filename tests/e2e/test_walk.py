"""The six-step walk of DEMO-2026 from where the demo leaves it (step 2, consultation).

Runs last (it moves the survey on): the manager closes the consultation, records the pilot,
finalises the questionnaire, starts training, records a session, an enumerator's
attendance and assignment, then starts fieldwork; each move's button is
the step page's own transition form, and a blocked move shows why.
"""

from __future__ import annotations

from pathlib import Path

from .conftest import login, sign_out, switch_user

MANAGER = "quanly@demo.vn"
ENUMERATOR = "Trần Văn Hùng"
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


def test_manager_walks_steps_2_to_4(page, tmp_path):
    login(page, MANAGER)
    # Step 3 cannot start before the questionnaire is approved: its button says why.
    page.goto(STEP.format(n=3))
    blocked = page.locator("form[action$='/step/3/do/start_training']")
    assert blocked.locator("button").is_disabled()
    assert blocked.locator(".blocked li").count() >= 1

    _move(page, 2, "close_consultation")
    # The pilot of version 1, without changes, then the questionnaire is final.
    page.goto(STEP.format(n=2))
    pilot = page.locator("form[action$='/pilot']")
    pilot.locator("input[name=held_on]").fill("2026-05-10")
    pilot.locator("input[name=place]").fill("Phường Hải Châu")
    pilot.locator("input[name=version_number]").fill("1")
    pilot.locator("input[name=sheets]").fill("30")
    pilot.locator("textarea[name=findings]").fill("E2E: người trả lời hiểu hết các câu.")
    _submit(page, pilot)
    _move(page, 2, "finalise")
    _move(page, 3, "start_training")
    # A training session, an enumerator present at it, then his assignment.
    page.goto(STEP.format(n=3))
    session = page.locator("form[action$='/training']")
    session.locator("input[name=held_on]").fill("2026-05-20")
    session.locator("input[name=place]").fill("Hội trường Sở Nội vụ")
    session.locator("input[name=trainer]").fill("Nguyễn Văn An")
    _submit(page, session)
    attendance = page.locator("form[action*='/training/'][action$='/attendance']").first
    attendance.locator("select[name=user_id]").select_option(label=ENUMERATOR)
    _submit(page, attendance)
    assign = page.locator("form[action$='/assignments']")
    assign.locator("select[name=enumerator_id]").select_option(label=ENUMERATOR)
    assign.locator("select[name=agency_id]").select_option(label="Sở Tư pháp")
    assign.locator("input[name=quota]").fill("20")
    _submit(page, assign)
    assert page.locator("#assignments .card", has_text=ENUMERATOR).count() == 1
    _move(page, 3, "start_fieldwork")
    assert _state(page, 2) == "Hoàn chỉnh"  # final
    assert _state(page, 3) == "Đang khảo sát"  # fieldwork under way

    # Printed live forms handed out to him, then returned; fieldwork closes.
    card = page.locator("#assignments .card", has_text=ENUMERATOR)
    hand_out = card.locator("form[action$='/ranges']")
    hand_out.locator("input[name=first_serial]").fill("1")
    hand_out.locator("input[name=last_serial]").fill("10")
    _submit(page, hand_out)
    back = page.locator("#assignments .card", has_text=ENUMERATOR).locator(
        "form[action$='/return']")
    back.locator("input[name=completed]").fill("10")
    back.locator("input[name=verified]").fill("10")
    back.locator("input[name=unused]").fill("0")
    _submit(page, back)
    _move(page, 3, "close_fieldwork")
    assert _state(page, 3) == "Hoàn thành"

    # Step 4: drafts are not ready until shortfalls are explained and drafts attached.
    _move(page, 4, "start_processing")
    page.goto(STEP.format(n=4))
    blocked = page.locator("form[action$='/step/4/do/complete_drafts']")
    assert blocked.locator("button").is_disabled()
    reasons = blocked.locator(".blocked li").all_inner_texts()
    # (A synthesis draft made on the reports page counts as attached: test_manager may
    # have made one already.)
    assert any("chưa có giải trình" in r for r in reasons), reasons  # shortfalls unexplained
    assert any("ít nhất một cơ quan" in r for r in reasons), reasons  # no agency draft
    explain = page.locator("form[action$='/shortfalls']")
    explain.locator("textarea[name=note_all]").fill("E2E: mùa mưa bão, ít hồ sơ hơn dự kiến.")
    _submit(page, explain)
    _upload(page, 4, "report_draft", _pdf(tmp_path / "tong-hop.pdf", "Du thao tong hop"))
    _upload(page, 4, "agency_draft", _pdf(tmp_path / "stp.pdf", "Du thao So Tu phap"),
            agency="Sở Tư pháp")
    _move(page, 4, "complete_drafts")
    assert _state(page, 4) == "Đã có dự thảo báo cáo"


def test_comment_round_acceptance_and_publication(page, tmp_path):
    """Steps 5 and 6, after the test above: an agency comments, the manager answers, Home
    Affairs appraises the report, the manager issues and publishes it; the public sees it."""
    login(page, MANAGER)
    assert _state(page, 4) == "Đã có dự thảo báo cáo", "runs after test_manager_walks_steps_2_to_4"
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
    _move(page, 6, "issue")
    _move(page, 6, "publish")

    sign_out(page)
    page.goto("/bao-cao-khao-sat/")
    published = page.locator("#ks-DEMO-2026")
    published.wait_for()
    assert published.locator(".pub-file").count() >= 1

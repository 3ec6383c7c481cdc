"""The six-step walk of DEMO-2026 from where the demo leaves it (step 2, consultation).

Runs last (it moves the survey on): the manager closes the consultation, records the pilot,
finalises the questionnaire, starts training, records a session, an enumerator's
attendance and assignment, then starts fieldwork; each move's button is
the step page's own transition form, and a blocked move shows why.
"""

from __future__ import annotations

from .conftest import login

MANAGER = "quanly@demo.vn"
ENUMERATOR = "Trần Văn Hùng"
STEP = "/surveys/DEMO-2026/step/{n}"


def _move(page, n: int, name: str) -> None:
    """Press the step's transition button and check the step took it."""
    page.goto(STEP.format(n=n))
    form = page.locator(f"form[action$='/step/{n}/do/{name}']")
    button = form.locator("button[type=submit]")
    assert button.is_enabled(), form.locator(".blocked").all_inner_texts()
    button.click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 1, page.locator(".alert").all_inner_texts()


def _submit(page, form) -> None:
    form.locator("button").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 1, page.locator(".alert").all_inner_texts()


def _state(page, n: int) -> str:
    page.goto(STEP.format(n=n))
    return page.locator(".step-state").first.inner_text().strip()


def test_manager_walks_step_2_to_fieldwork(page):
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

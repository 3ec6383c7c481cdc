"""The respondent's pages (no sign-in) and the kiosk: stored with their channel, reset
after each answer, friendly messages; the manager's poster page."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from fieldwork.online.models import OnlineChannel, OnlineResponse
from fieldwork.online.public import DEVICE_COOKIE
from fieldwork.online.rules import kiosk_key
from fieldwork.plans.models import SurveyStatus
from fieldwork.security import limiter

from ..conftest import login
from ..factories import PASSWORD

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def url(world, agency=None) -> str:
    return f"/khao-sat/{world.survey.code}/{(agency or world.a).id}"


def kiosk_url(app, world) -> str:
    key = kiosk_key(app.config["SECRET_KEY"], world.survey.code, world.a.id)
    return f"/kiosk/{world.survey.code}/{world.a.id}/{key}"


def form_data(client, path, **answers) -> dict:
    html = client.get(path).get_data(as_text=True)
    data = {"csrf_token": TOKEN.search(html).group(1), "version": "1", "dossier_code": "",
            "phone": "", "citizen_id": "", "a_q03": ""}
    data.update({k if k in ("dossier_code", "phone", "citizen_id", "version") else f"a_{k}": v
                 for k, v in answers.items()})
    return data


def count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(OnlineResponse))


def test_the_answer_page_is_the_approved_form_in_vietnamese(client, world):
    resp = client.get(url(world))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Hoàn thành" in html and "Chưa hài lòng" in html
    assert "Mã hồ sơ" in html and "Sở Tư pháp" in html
    assert 'name="a_q02"' in html and "data-relevant" in html  # reasons only if not satisfied
    assert 'name="a_agency"' not in html and 'name="a_survey_date"' not in html
    assert "<script>" not in html and "onclick" not in html  # CSP: scripts from files only
    assert resp.headers["Cache-Control"] == "no-store"
    assert DEVICE_COOKIE in resp.headers.get("Set-Cookie", "")
    assert client.get(f"/khao-sat/{world.survey.code}/999999").status_code == 404
    assert client.get(f"/khao-sat/NOPE/{world.a.id}").status_code == 404
    lower = client.get(f"/khao-sat/{world.survey.code.lower()}/{world.a.id}")
    assert lower.status_code == 301


def test_an_online_answer_is_stored_once_with_its_channel(client, db, world):
    data = form_data(client, url(world), dossier_code="hs-0002", q01="no",
                     q02=["reason_a", "reason_d"], q03="Cán bộ nhiệt tình")
    resp = client.post(url(world), data=data)
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/cam-on")
    assert "Xin cảm ơn" in client.get(resp.headers["Location"]).get_data(as_text=True)
    row = db.session.scalar(select(OnlineResponse))
    assert row.channel == OnlineChannel.ONLINE and row.dossier_code == "HS-0002"
    assert row.answers["q02"] == ["reason_a", "reason_d"] and row.satisfied is False
    # Sent again (back button, double tap): refused with a clear message, still one answer.
    again = client.post(url(world), data=form_data(client, url(world), dossier_code="HS-0002",
                                                   q01="yes"))
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and "đã được đánh giá" in html and count(db) == 1


def test_bad_input_shows_what_to_fix_and_keeps_what_was_typed(client, db, world):
    resp = client.post(url(world), data=form_data(client, url(world), dossier_code="HS-404",
                                                  q01="no", q03="Góp ý của tôi"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Vui lòng trả lời câu hỏi này" in html  # no reason
    assert "HS-404:" not in html  # the code's verdict waits until the rest is right
    assert 'value="HS-404"' in html and "Góp ý của tôi" in html and count(db) == 0
    resp = client.post(url(world), data=form_data(client, url(world), dossier_code="HS-404",
                                                  q01="no", q02=["reason_a"]))
    assert "Không dùng được mã hồ sơ HS-404" in resp.get_data(as_text=True) and count(db) == 0
    expired = client.post(url(world), data={"csrf_token": "x", "a_q01": "yes"})
    assert "hết hạn" in expired.get_data(as_text=True) and count(db) == 0


def test_closed_survey_and_unapproved_form_say_so(client, db, world):
    world.survey.status = SurveyStatus.CLOSED
    db.session.commit()
    html = client.get(url(world)).get_data(as_text=True)
    assert "đã đóng" in html and 'name="a_q01"' not in html
    world.survey.status = SurveyStatus.ACTIVE
    world.version.status = "draft"
    db.session.commit()
    html = client.get(url(world)).get_data(as_text=True)
    assert "chưa được phê duyệt" in html and 'name="a_q01"' not in html


def test_kiosk_answers_count_as_kiosk_and_the_screen_resets(app, client, db, world):
    path = kiosk_url(app, world)
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "js/kiosk.js" in html and "data-kiosk" in html
    assert page.headers["Cache-Control"] == "no-store"
    resp = client.post(path, data=form_data(client, path, dossier_code="HS-0003", q01="yes"))
    assert resp.status_code == 303 and resp.headers["Location"].endswith(path + "/cam-on")
    thanks = client.get(resp.headers["Location"])
    html = thanks.get_data(as_text=True)
    # Back to an empty form by itself (meta refresh, and kiosk.js replacing the history).
    assert f'content="8;url={path}"' in html and f'data-reset-to="{path}"' in html
    assert thanks.headers["Cache-Control"] == "no-store"
    fresh = client.get(path).get_data(as_text=True)
    assert "HS-0003" not in fresh
    row = db.session.scalar(select(OnlineResponse))
    assert row.channel == OnlineChannel.KIOSK
    assert client.get(path[:-4] + "0000").status_code == 404  # a wrong key is no kiosk


def test_too_many_answers_from_one_address_get_a_friendly_page(app, client, db, world):
    app.config["ONLINE_RATE_LIMIT"] = "2/minute"
    limiter.reset()
    try:
        for code in ("HS-0001", "HS-0002"):
            assert client.post(url(world), data=form_data(
                client, url(world), dossier_code=code, q01="yes")).status_code == 303
        resp = client.post(url(world), data=form_data(client, url(world),
                                                      dossier_code="HS-0003", q01="yes"))
        assert resp.status_code == 429 and "Vui lòng chờ" in resp.get_data(as_text=True)
        assert count(db) == 2
    finally:
        app.config.pop("ONLINE_RATE_LIMIT")
        limiter.reset()


def test_manager_page_lists_addresses_and_posters(client, db, world):
    login(client, world.manager.email, PASSWORD)
    assert client.get("/online/").status_code == 302
    html = client.get(f"/online/{world.survey.code}").get_data(as_text=True)
    assert f"/khao-sat/{world.survey.code}/{world.a.id}" in html and "/kiosk/" in html
    assert "poster-a5.pdf" in html
    pdf = client.get(f"/online/{world.survey.code}/{world.a.id}/poster-a5.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/online/{world.survey.code}/{world.a.id}/poster-a3.pdf"
                      ).status_code == 404


def _page_without(html: str, code: str) -> str:
    """The page with its per-request parts taken out: the CSRF token and the code typed."""
    return TOKEN.sub("", html).replace(code, "CODE")


def test_unknown_and_used_codes_get_the_same_answer(app, client, db, world):
    """No oracle (issue 15): the public form told "no dossier X" apart from "X already
    evaluated", so anyone could find which codes exist. Now both pages are the same, with
    the rest of the answer right or wrong, and the rate limit still counts them."""
    assert client.post(url(world), data=form_data(client, url(world), dossier_code="HS-0001",
                                                  q01="yes")).status_code == 303
    for answers in ({"q01": "yes"}, {"q01": "no"}):  # right, then a reason missing
        pages = {}
        for code in ("HS-0001", "HS-9999"):  # used, unknown
            resp = client.post(url(world), data=form_data(client, url(world), dossier_code=code,
                                                          **answers))
            assert resp.status_code == 200
            pages[code] = _page_without(resp.get_data(as_text=True), code)
        assert pages["HS-0001"] == pages["HS-9999"], answers
    resp = client.post(url(world), data=form_data(client, url(world), dossier_code="HS-0002",
                                                  q01="no"))  # a good code, a reason missing
    assert _page_without(resp.get_data(as_text=True), "HS-0002") == pages["HS-9999"]
    assert count(db) == 1
    app.config["ONLINE_RATE_LIMIT"] = "3/minute"
    limiter.reset()
    try:
        codes = ["HS-9001", "HS-0001", "HS-9002", "HS-9003"]
        got = [client.post(url(world), data=form_data(client, url(world), dossier_code=c,
                                                      q01="yes")).status_code for c in codes]
        assert got == [200, 200, 200, 429]
    finally:
        app.config.pop("ONLINE_RATE_LIMIT")
        limiter.reset()


def test_the_forms_hints_and_own_messages_show_online(client, db, world):
    """A form imported from an XLSForm carries hints and its own required message: the
    respondent sees the hint under the question and that message when skipping it."""
    from fieldwork.forms import operations as forms_ops
    from fieldwork.forms.builtin import danang_2025

    q = danang_2025()
    q.question("q01").hint = "Chọn một ô"
    q.question("q01").required_message = "Xin cho biết Ông/Bà có hài lòng hay không"
    q.question("q03").hint = "Viết ngắn gọn, không ghi tên cán bộ"
    v = forms_ops.create_from_questionnaire(world.survey, q, world.manager, "xlsform:test")
    forms_ops.transition(v, "submit", world.manager)
    forms_ops.transition(v, "approve", world.reviewer, "Đồng ý")
    db.session.commit()
    html = client.get(url(world)).get_data(as_text=True)
    assert "Chọn một ô" in html and "Viết ngắn gọn, không ghi tên cán bộ" in html
    data = form_data(client, url(world), dossier_code="HS-0001", version=str(v.number))
    html = client.post(url(world), data=data).get_data(as_text=True)
    assert "Xin cho biết Ông/Bà có hài lòng hay không" in html and count(db) == 0

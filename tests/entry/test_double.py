"""Double entry: the seeded draw, blind second keying, adjudication, keyer error rates."""

from __future__ import annotations

from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.entry import operations as ops
from fieldwork.entry.double import drawn, error_rates, settings_for
from fieldwork.entry.models import DoubleMode, EntrySettings, EntrySheet, ReviewState, Stage

from ..conftest import csrf_token
from .conftest import key_sheet, sign_in, typed


def _all_double(db, survey, manager):
    ops.update_settings(survey, {"double_mode": "all"}, manager)
    db.session.commit()


def test_draw_is_reproducible_and_near_the_percentage():
    s = EntrySettings(double_mode=DoubleMode.PERCENT, percent=20, seed=7)
    picked = [n for n in range(1, 2001) if drawn(s, n)]
    assert picked == [n for n in range(1, 2001) if drawn(s, n)]
    assert 340 <= len(picked) <= 460
    other = EntrySettings(double_mode=DoubleMode.PERCENT, percent=20, seed=8)
    assert picked != [n for n in range(1, 2001) if drawn(other, n)]
    assert not drawn(EntrySettings(double_mode=DoubleMode.NONE, percent=0, seed=0), 1)
    assert drawn(EntrySettings(double_mode=DoubleMode.ALL, percent=0, seed=0), 1)


def test_settings_page_and_bad_percentage(client, db, survey, people):
    sign_in(client, people["manager"])
    token = csrf_token(client, f"/entry/{survey.code}/settings")
    res = client.post(f"/entry/{survey.code}/settings",
                      data={"double_mode": "percent", "percent": "", "seed": "3",
                            "csrf_token": token})
    assert "from 1 to 100" in res.get_data(as_text=True)
    assert settings_for(survey).id is None
    res = client.post(f"/entry/{survey.code}/settings",
                      data={"double_mode": "percent", "percent": "25", "seed": "3",
                            "csrf_token": token})
    assert res.status_code == 302
    row = settings_for(survey)
    assert (row.double_mode, row.percent, row.seed) == (DoubleMode.PERCENT, 25, 3)


def test_disagreement_goes_to_adjudication(client, db, survey, batch, people):
    _all_double(db, survey, people["manager"])
    sign_in(client, people["lan"])
    assert key_sheet(client, survey, 1, typed()).status_code == 302
    sheet = db.session.scalar(select(EntrySheet).where(EntrySheet.serial == 1))
    assert sheet.stage == Stage.AWAITING_KEY2
    # Lan cannot do the second keying herself (the same answers again are her first keying,
    # sent twice: already saved, not a second keying).
    page = client.get(key_sheet(client, survey, 1, typed(q01="no", q02=["reason_a"]))
                      .headers["Location"])
    assert "another person" in page.get_data(as_text=True)
    page = client.get(key_sheet(client, survey, 1, typed()).headers["Location"])
    assert "already saved with these answers" in page.get_data(as_text=True)
    assert len(sheet.keyings) == 1

    sign_in(client, people["hung"])
    queue = client.get(f"/entry/{survey.code}/key").get_data(as_text=True)
    assert "00000001" in queue
    blank = client.get(f"/entry/{survey.code}/key/1").get_data(as_text=True)
    assert "Sở Tư pháp" not in blank and "second keying" in blank  # blind to key 1
    res = key_sheet(client, survey, 1, typed(survey_date="12/05/2025",
                                             phone="0912 345 679"))
    assert res.status_code == 302
    db.session.refresh(sheet)
    assert sheet.stage == Stage.ADJUDICATION
    assert {d.question for d in sheet.differences} == {"survey_date", "phone"}
    assert sheet.answer_map()["q01"].source == "key2"  # agreed answers

    # Not approvable before adjudication.
    sign_in(client, people["manager"])
    token = csrf_token(client, "/entry/adjudication")
    res = client.post(f"/entry/{survey.code}/sheets/1/change/approve",
                      data={"csrf_token": token}, follow_redirects=True)
    assert "adjudicate the differences first" in res.get_data(as_text=True)

    page = client.get(f"/entry/{survey.code}/sheets/1/adjudicate").get_data(as_text=True)
    assert "12/05/2026" in page and "12/05/2025" in page
    assert "0912345678" not in page and "09xx xxx 678" in page and "09xx xxx 679" in page
    # Leaving one undecided, or a bad value, saves nothing.
    res = client.post(f"/entry/{survey.code}/sheets/1/adjudicate",
                      data={"csrf_token": token, "choice_survey_date": "other",
                            "value_survey_date": "99/99/2026"})
    assert res.status_code == 422
    db.session.refresh(sheet)
    assert sheet.stage == Stage.ADJUDICATION and not any(d.resolved for d in sheet.differences)
    res = client.post(f"/entry/{survey.code}/sheets/1/adjudicate",
                      data={"csrf_token": token, "choice_survey_date": "key1",
                            "choice_phone": "key1"})
    assert res.status_code == 302
    db.session.refresh(sheet)
    assert sheet.stage == Stage.FINAL
    final = sheet.answer_map()
    assert final["survey_date"].values == list("12052026")
    assert final["survey_date"].source == "adjudicated"
    assert sheet.phone_hash == sheet.keyings[0].phone_hash
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.adjudicate"))
    assert "0912345678" not in str(event.after)

    rates = {r.name: r for r in error_rates(survey)}
    assert rates["Trần Văn Hùng"].errors == 2 and rates["Nguyễn Thị Lan"].errors == 0
    assert rates["Trần Văn Hùng"].fields == 11 and rates["Trần Văn Hùng"].rate == 2 / 11
    html = client.get(f"/entry/rates?survey={survey.code}").get_data(as_text=True)
    assert "Trần Văn Hùng" in html

    res = client.post(f"/entry/{survey.code}/sheets/1/change/approve",
                      data={"csrf_token": token})
    db.session.refresh(sheet)
    assert sheet.review_state == ReviewState.APPROVED


def test_agreeing_keyings_need_no_adjudication(client, db, survey, batch, people):
    _all_double(db, survey, people["manager"])
    sign_in(client, people["lan"])
    key_sheet(client, survey, 2, typed())
    sign_in(client, people["hung"])
    key_sheet(client, survey, 2, typed(phone="+84912345678"))  # same number, other form
    sheet = db.session.scalar(select(EntrySheet).where(EntrySheet.serial == 2))
    assert sheet.stage == Stage.FINAL and not sheet.differences


def test_a_keyer_cannot_adjudicate_their_own_sheet(db, survey, batch, people):
    from fieldwork.entry.serials import resolve
    from fieldwork.errors import OperationError

    _all_double(db, survey, people["manager"])
    manager = people["manager"]
    sheet = ops.save_keying(resolve(survey, 3, manager), typed(), manager)
    ops.save_keying(resolve(survey, 3, people["hung"]), typed(q01="no", q02=["reason_a"]),
                    people["hung"])
    assert sheet.stage == Stage.ADJUDICATION
    try:
        from fieldwork.entry.double import adjudicate
        adjudicate(sheet, {"q01": {"choice": "key1"}, "q02": {"choice": "key1"}}, manager)
    except OperationError as exc:
        assert "người khác phải phân xử" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("the first keyer adjudicated")


def test_adjudicator_sees_the_scan_but_not_a_contact_crop(client, db, survey, batch, people):
    from fieldwork.entry.serials import resolve
    from fieldwork.omr.models import ScanPage, SheetStatus

    from .test_sources import scanned

    scanned(db, survey, batch, 5, {"q01": ["yes"]}, status=SheetStatus.INCOMPLETE)
    page = db.session.scalar(select(ScanPage).where(ScanPage.serial == 5))
    page.boxes = [{"question": q, "option": "1", "x": 0, "y": 0, "w": 5, "h": 5}
                  for q in ("phone", "survey_date")]
    _all_double(db, survey, people["manager"])
    ops.save_keying(resolve(survey, 5, people["lan"]), typed(), people["lan"])
    ops.save_keying(resolve(survey, 5, people["hung"]),
                    typed(phone="0987654321", survey_date="13/05/2026"), people["hung"])
    db.session.commit()
    sign_in(client, people["manager"])
    html = client.get(f"/entry/{survey.code}/sheets/5/adjudicate").get_data(as_text=True)
    assert f"/scans/pages/{page.id}/crop/survey_date.png" in html
    assert "/crop/phone.png" not in html and "entitled to see contact data" in html

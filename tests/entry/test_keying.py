"""Keying through the pages: serial checks, validation, next sheet, nothing half-saved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.entry.models import EntryAnswer, EntrySheet, Keying, ReviewState
from fieldwork.forms.batches import print_batch

from .conftest import approve, key_sheet, sign_in, typed


def _count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_keying_page_follows_the_paper(client, survey, batch, people):
    sign_in(client, people["lan"])
    html = client.get(f"/entry/{survey.code}/key/1").get_data(as_text=True)
    assert "00000001" in html
    order = [html.index(f'name="a_{code}"') for code in
             ("phone", "citizen_id", "survey_date", "q01", "q02", "q03")]
    assert order == sorted(order)
    assert 'data-key="1"' in html and 'data-relevant=' in html


def test_save_opens_the_next_sheet(client, db, survey, batch, people):
    sign_in(client, people["lan"])
    res = key_sheet(client, survey, 1, typed())
    assert res.status_code == 302 and res.headers["Location"].endswith("/key/2")
    sheet = db.session.scalar(select(EntrySheet).where(EntrySheet.serial == 1))
    assert sheet.review_state == ReviewState.RECEIVED and sheet.enumerator_id == people["lan"].id
    answers = sheet.answer_map()
    assert answers["q01"].values == ["yes"] and answers["q01"].source == "key1"
    assert answers["phone"].values == [] and answers["phone"].status == "contact"
    assert sheet.phone_hash and "0912345678" not in sheet.phone_enc
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.key"))
    assert "0912345678" not in str(event.after)
    page = client.get(f"/entry/{survey.code}/key").get_data(as_text=True)
    assert "Entered" in page and "00000001</a>–00000012" in page


def test_fifty_sheets_in_a_row(client, db, survey, batch, people):
    big = print_batch(survey, {"count": 51, "assigned_user_id": people["lan"].id,
                               "agency_id": survey.scope[0].agency_id}, people["manager"])
    db.session.commit()
    sign_in(client, people["lan"])
    from ..conftest import csrf_token
    token = csrf_token(client, f"/entry/{survey.code}/key")
    url = f"/entry/{survey.code}/key/{big.first_serial}"
    for n in range(1, 51):
        data = {f"a_{k}": v for k, v in typed(phone=f"09{n:08d}", q01="no" if n % 5 == 0
                                              else "yes", q02=["reason_b"] if n % 5 == 0
                                              else []).items()}
        res = client.post(url, data={**data, "csrf_token": token,
                                     "sheet_agency": survey.scope[0].agency_id})
        assert res.status_code == 302, n
        url = res.headers["Location"]
    assert url.endswith(f"/key/{big.first_serial + 50}")
    assert db.session.scalar(select(func.count(EntrySheet.id))) == 50


@pytest.mark.parametrize("serial, says", [
    ("abc", "up to 8 digits"), ("999", "never printed"), ("123456789", "up to 8 digits")])
def test_bad_serials_are_refused_clearly(client, db, survey, batch, people, serial, says):
    sign_in(client, people["lan"])
    from ..conftest import csrf_token
    token = csrf_token(client, f"/entry/{survey.code}/key")
    res = client.post(f"/entry/{survey.code}/key", data={"serial": serial, "csrf_token": token})
    assert res.status_code == 200 and says in res.get_data(as_text=True)
    assert _count(db, EntrySheet) == 0


def test_serial_of_another_survey_and_pilot(client, db, factory, survey, batch, people):
    other = factory.survey("KEY-2", agencies=[factory.agency()])
    approve(db, other, people)
    print_batch(other, {"count": 30, "start_serial": 101,
                        "agency_id": other.scope[0].agency_id}, people["manager"])
    pilot = print_batch(survey, {"count": 5, "pilot": True, "start_serial": 500,
                                 "agency_id": survey.scope[0].agency_id}, people["manager"])
    db.session.commit()
    sign_in(client, people["manager"])
    res = client.get(f"/entry/{survey.code}/key/120", follow_redirects=True)
    assert "belongs to survey KEY-2" in res.get_data(as_text=True)
    res = client.get(f"/entry/{survey.code}/key/{pilot.first_serial}", follow_redirects=True)
    assert "pilot print" in res.get_data(as_text=True)
    res = key_sheet(client, survey, pilot.first_serial, typed())
    assert res.status_code == 302 and _count(db, EntrySheet) == 0


def test_only_the_enumerators_own_sheets(client, db, survey, batch, people):
    sign_in(client, people["hung"])
    res = key_sheet(client, survey, 3, typed())
    assert res.status_code == 302 and _count(db, EntrySheet) == 0
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "not in your assignment" in page


def test_same_person_cannot_key_twice(client, db, survey, batch, people):
    sign_in(client, people["lan"])
    assert key_sheet(client, survey, 4, typed()).status_code == 302
    res = key_sheet(client, survey, 4, typed(q01="no", q02=["reason_a"]))
    assert res.status_code == 302
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "already keyed" in page
    assert _count(db, Keying) == 1


def test_a_sheet_sent_again_with_the_same_answers_is_already_saved(client, db, survey, batch,
                                                                    people):
    """The keyer never got the confirmation (connection lost) and sends the sheet again."""
    sign_in(client, people["lan"])
    assert key_sheet(client, survey, 5, typed(phone="0987654321")).status_code == 302
    res = key_sheet(client, survey, 5, typed(phone="0987654321"))
    assert res.status_code == 302 and res.headers["Location"].endswith("/key/6")
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "already saved with these answers" in page and "already keyed" not in page
    assert _count(db, Keying) == 1 and _count(db, EntrySheet) == 1
    # Another phone number is not the same sheet sent again: the usual refusal.
    res = key_sheet(client, survey, 5, typed(phone="0911111111"))
    assert "already keyed" in client.get(res.headers["Location"]).get_data(as_text=True)
    assert _count(db, Keying) == 1


def test_bad_values_show_next_to_fields_and_save_nothing(client, db, survey, batch, people):
    sign_in(client, people["lan"])
    res = key_sheet(client, survey, 5, typed(phone="091234", citizen_id="12",
                                             survey_date="31/02/2026"))
    html = res.get_data(as_text=True)
    assert res.status_code == 422
    assert "10 digits" in html and "12 digits" in html and "is not a date" in html
    assert 'value="091234"' in html  # what was typed stays for correction
    assert (_count(db, EntrySheet), _count(db, Keying), _count(db, EntryAnswer)) == (0, 0, 0)


def test_warnings_need_confirmation(client, db, survey, batch, people):
    sign_in(client, people["lan"])
    answers = typed(q01="yes", q02=["reason_a"])
    res = key_sheet(client, survey, 6, answers)
    assert res.status_code == 422 and "Confirmed" in res.get_data(as_text=True)
    assert _count(db, EntrySheet) == 0
    res = key_sheet(client, survey, 6, answers, confirmed="y")
    assert res.status_code == 302
    sheet = db.session.scalar(select(EntrySheet).where(EntrySheet.serial == 6))
    assert sheet.review_state == ReviewState.HAS_ISSUES and "q02" in sheet.note


def test_keying_page_in_vietnamese(client, survey, batch, people):
    sign_in(client, people["lan"], lang="vi")
    html = client.get(f"/entry/{survey.code}/key/2").get_data(as_text=True)
    assert "Lưu và mở phiếu tiếp theo" in html
    assert "chỉ khi câu 8 chọn “Chưa hài lòng”" in html


def test_roles(client, survey, batch, people):
    sign_in(client, people["reviewer"])
    assert client.get(f"/entry/{survey.code}/key").status_code == 403
    assert client.get("/entry/reviews").status_code == 403


def test_no_plain_phone_or_id_anywhere_in_entry_tables(client, db, survey, batch, people):
    from sqlalchemy import text

    sign_in(client, people["lan"])
    assert key_sheet(client, survey, 7, typed()).status_code == 302
    dump = ""
    for table in ("entry_sheets", "entry_answers", "entry_keyings", "audit_events"):
        dump += str(db.session.execute(text(f"SELECT * FROM {table}")).all())  # noqa: S608
    assert "0912345678" not in dump and "048123456789" not in dump
    assert "912345678" not in dump.replace(" ", "")


def test_agency_and_field_are_chosen_from_lists_never_typed(client, db, factory, survey, batch,
                                                             people):
    field = factory.field("HT", "Hộ tịch")
    agency = survey.scope[0].agency
    sign_in(client, people["lan"])
    html = client.get(f"/entry/{survey.code}/key/1").get_data(as_text=True)
    # Lists (with a type-ahead box), starting on the agency printed on the sheet; no text box.
    assert 'name="sheet_agency"' in html and 'name="sheet_field"' in html
    assert f'<option selected value="{agency.id}">' in html
    assert 'class="form-control entry-typeahead"' in html
    for code in ("agency", "field", "dossier_code"):
        assert f'name="a_{code}"' not in html
    # A value that is not on the list (a forged form) is refused; nothing saved.
    res = key_sheet(client, survey, 1, typed(), sheet_agency=999999)
    assert res.status_code == 422 and _count(db, EntrySheet) == 0
    assert "Choose the agency from the list." in res.get_data(as_text=True)
    res = key_sheet(client, survey, 1, typed(), sheet_field=field.id)
    assert res.status_code == 302
    sheet = db.session.scalar(select(EntrySheet).where(EntrySheet.serial == 1))
    assert (sheet.agency_id, sheet.field_id) == (agency.id, field.id)
    assert sheet.answer_map()["field"].values == ["Hộ tịch"]

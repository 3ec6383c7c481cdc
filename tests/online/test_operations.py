"""Storing an online or kiosk answer: checked, limited per phone and device, audited, and
nothing half-saved when refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.forms import operations as forms_ops
from fieldwork.online import rules
from fieldwork.online.models import OnlineChannel, OnlineResponse
from fieldwork.online.operations import AnswerRefused, submit_answer
from fieldwork.plans.models import SurveyStatus
from fieldwork.plans.models_workflow import Step, StepState, WorkflowStep
from fieldwork.privacy.crypto import blind_index, decrypt

from .conftest import DEVICE, answer

NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)


def count(db, model=OnlineResponse) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def submit(world, raw, channel=OnlineChannel.ONLINE, device=DEVICE, now=NOW, agency=None,
           version=1):
    return submit_answer(world.survey, (agency or world.a).id, version, raw, channel, device,
                         now)


def test_a_dossier_answer_is_stored_with_its_channel_and_the_frame_agency(db, world):
    before = count(db, AuditEvent)
    # Posted from agency B's poster: the frame says HS-0001 was handled by agency A.
    r = submit(world, answer(q01="no", q02=["reason_c", "other"], q02_other="Chờ lâu",
                             q03="Phòng chờ nóng", phone="0912 345 678"), agency=world.b)
    db.session.commit()
    assert r.channel == OnlineChannel.ONLINE and r.dossier_code == "HS-0001"
    assert r.agency_id == world.a.id and r.field_id == world.field.id
    assert r.satisfied is False and r.version_id == world.version.id
    assert r.answers["q02"] == ["reason_c", "other"] and r.answers["q03"] == ["Phòng chờ nóng"]
    assert r.answers["dossier_code"] == ["HS-0001"] and r.answers["agency"] == ["Sở Tư pháp"]
    assert r.answers["survey_date"] == list("10032026")
    # Contacts only encrypted, with a blind index; never among the answers.
    assert "phone" not in r.answers and "0912345678" not in str(r.answers)
    assert decrypt(r.phone_enc) == "0912345678"
    assert r.phone_hash == blind_index("phone", "0912345678") and r.cid_enc is None
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert count(db, AuditEvent) == before + 1 and event.action == "online.answer"
    assert event.after["channel"] == "online" and "0912" not in str(event.after)


def test_reasons_are_dropped_when_satisfied_and_required_questions_are_enforced(db, world):
    r = submit(world, answer(q02=["reason_a"], q02_other="x"))
    assert r.satisfied is True and "q02" not in r.answers and "q02_other" not in r.answers
    with pytest.raises(AnswerRefused) as exc:
        submit(world, answer(dossier_code="HS-0002", q01="", q03="x" * 2001))
    assert set(exc.value.errors) == {"q01", "q03"}
    with pytest.raises(AnswerRefused) as exc:
        submit(world, answer(dossier_code="HS-0002", q01="no"))
    assert set(exc.value.errors) == {"q02"}  # not satisfied: which reasons?


@pytest.mark.parametrize("raw, field", [
    (answer(dossier_code=""), "phone"),
    (answer(dossier_code="", phone="0912345678"), "citizen_id"),
    (answer(dossier_code="", phone="12345", citizen_id="048123456789"), "phone"),
    (answer(dossier_code="", phone="0912345678", citizen_id="123"), "citizen_id"),
    (answer(dossier_code="HS-9999"), "dossier_code"),
    (answer(dossier_code="X" * 65), "dossier_code"),
])
def test_bad_identity_is_refused_and_nothing_is_saved(db, world, raw, field):
    events = count(db, AuditEvent)
    with pytest.raises(AnswerRefused) as exc:
        submit(world, raw)
    assert field in exc.value.errors and str(exc.value)
    assert count(db) == 0 and count(db, AuditEvent) == events


def test_a_dossier_answers_once(db, world):
    submit(world, answer())
    db.session.commit()
    with pytest.raises(AnswerRefused, match="HS-0001") as exc:
        submit(world, answer(dossier_code=" hs-0001 "), channel=OnlineChannel.KIOSK)
    assert "dossier_code" in exc.value.errors and count(db) == 1


def test_phone_and_citizen_id_without_dossier_code(db, world):
    r = submit(world, answer(dossier_code="", phone="+84 912 345 678",
                             citizen_id="048 123 456 789"))
    assert r.dossier_code is None and r.dossier_id is None and r.agency_id == world.a.id
    assert decrypt(r.cid_enc) == "048123456789" and r.field_id is None


def test_closed_draft_and_finished_surveys_take_no_answers(db, world):
    world.survey.status = SurveyStatus.CLOSED
    with pytest.raises(AnswerRefused, match="đã đóng"):
        submit(world, answer())
    world.survey.status = SurveyStatus.DRAFT
    with pytest.raises(AnswerRefused, match="chưa bắt đầu"):
        submit(world, answer())
    world.survey.status = SurveyStatus.ACTIVE
    step = db.session.scalar(select(WorkflowStep).where(
        WorkflowStep.survey_id == world.survey.id, WorkflowStep.step == int(Step.FIELDWORK)))
    step.state = StepState.COMPLETED
    with pytest.raises(AnswerRefused, match="kết thúc"):
        submit(world, answer())
    assert count(db) == 0


def test_only_an_approved_version_takes_answers(db, world, factory):
    draft = forms_ops.create_from_template(world.survey, "danang-2025", world.manager)
    db.session.commit()
    with pytest.raises(AnswerRefused, match="không phải là phiên bản"):
        submit(world, answer(), version=draft.number)
    with pytest.raises(AnswerRefused, match="không phải là phiên bản"):
        submit(world, answer(), version="abc")
    other = factory.survey("ON-2", agencies=[world.a])
    other.status = SurveyStatus.ACTIVE
    with pytest.raises(AnswerRefused, match="chưa được phê duyệt"):
        submit_answer(other, world.a.id, 1, answer(), OnlineChannel.ONLINE, DEVICE, NOW)
    with pytest.raises(AnswerRefused, match="không thuộc"):
        submit(world, answer(), agency=factory.agency("Sở Khác"))
    assert count(db) == 0


def phone_only(n: int, phone: str = "0912345678") -> dict:
    return answer(dossier_code="", phone=phone, citizen_id=f"048{n:09d}")


def test_phone_only_answers_are_limited_per_phone(db, world):
    for i in range(rules.PHONE_PER_DAY):
        submit(world, phone_only(i), device=f"dev{i}", now=NOW + timedelta(minutes=i))
    with pytest.raises(AnswerRefused, match="Số điện thoại này") as exc:
        submit(world, phone_only(9), device="devX", now=NOW + timedelta(hours=1))
    assert "phone" in exc.value.errors
    # A dossier code is never limited; a day later the phone may answer again.
    submit(world, answer(phone="0912345678"), device="devX", now=NOW + timedelta(hours=1))
    submit(world, phone_only(10), device="devY", now=NOW + timedelta(hours=25))
    assert count(db) == rules.PHONE_PER_DAY + 2


def test_phone_only_answers_are_limited_per_device_but_a_kiosk_is_shared(db, world):
    for i in range(rules.DEVICE_PER_DAY):
        submit(world, phone_only(i, f"09{i:08d}"), now=NOW + timedelta(minutes=i))
    with pytest.raises(AnswerRefused, match="Thiết bị này"):
        submit(world, phone_only(50, "0987654321"), now=NOW + timedelta(minutes=30))
    kiosk = "k" * 64
    for i in range(rules.DEVICE_PER_DAY + 3):
        submit(world, phone_only(100 + i, f"08{i:08d}"), channel=OnlineChannel.KIOSK,
               device=kiosk, now=NOW + timedelta(minutes=i))
    assert count(db) == 2 * rules.DEVICE_PER_DAY + 3


def test_demo_answers_online_for_drawn_dossiers_and_at_the_kiosk(db, world):
    """The demo's citizens go through submit_answer, like the pages: drawn dossiers online,
    phone and citizen ID at the kiosk; each audited."""
    from sqlalchemy import func, select

    from fieldwork.audit.models import AuditEvent
    from fieldwork.frames.operations_draw import make_draw
    from fieldwork.online import demo
    from fieldwork.online.models import OnlineChannel, OnlineResponse

    make_draw(world.survey, {"seed": 3, "size": 3, "reserve_percent": 0}, world.manager)
    demo.finish(world.survey, world.manager)
    rows = db.session.scalars(select(OnlineResponse)).all()
    online = [r for r in rows if r.channel == OnlineChannel.ONLINE]
    assert len(online) == 3 and all(r.dossier_code for r in online)
    kiosk = [r for r in rows if r.channel == OnlineChannel.KIOSK]
    assert len(kiosk) == demo.KIOSK and all(r.phone_hash and not r.dossier_code for r in kiosk)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "online.answer")) == len(rows)


def test_a_drawn_dossier_answering_online_gets_its_outcome(db, world):
    from fieldwork.frames.models import DrawMethod, FrameDossier, FrameDraw, FrameDrawItem, Outcome
    from fieldwork.frames.outcomes import response_rates
    draw = FrameDraw(survey_id=world.survey.id, seed=1, method=DrawMethod.SIMPLE)
    db.session.add(draw)
    db.session.flush()
    items = {}
    for pos, code in enumerate(("HS-0001", "HS-0002"), 1):
        d = db.session.scalar(select(FrameDossier).where(FrameDossier.code == code))
        items[code] = FrameDrawItem(draw_id=draw.id, dossier_id=d.id, position=pos,
                                    agency_id=d.agency_id, field_id=d.field_id, rank=pos)
        db.session.add(items[code])
    db.session.commit()
    submit(world, answer())  # HS-0001 answers; HS-0002 has not (yet)
    submit(world, answer(dossier_code="HS-0003"))  # answered, but not drawn: no case
    db.session.commit()
    assert (items["HS-0001"].outcome, items["HS-0001"].outcome_source) == (Outcome.ANSWERED,
                                                                           "answer")
    assert items["HS-0002"].outcome is None
    rates = response_rates(world.survey)[None]
    assert (rates["rr1"], rates["rr2"], rates["cases"]) == (0.5, 0.5, 2)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "frames.outcome"))
    assert event.actor_label.startswith("online:") and event.after["source"] == "answer"

"""One world of real objects for the route permission table (test_route_permissions.py).

Survey ST-1 of the report tests (agencies A and B in scope, approved sheets, the approved 2025
form, a field) plus everything a URL of the app can name: a print batch and one of its pages
scanned back in, report drafts (synthesis and agency A's), attachments, a comment round with
agency A's comment and an on-site verification, training, an assignment with a serial range, a
re-check draw, an import run and a pending upload, a privacy grant, and survey PUB-1 published
for the public pages. People: one user per role, plus a reviewer of agency B
("agency_other"), who must not reach agency A's objects.
"""

from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

from sqlalchemy import select

from fieldwork.forms import operations as forms_ops
from fieldwork.forms.batches import print_batch
from fieldwork.jobs.models import Job
from fieldwork.omr.contact import is_contact
from fieldwork.omr.inbox.models import ScanInbox
from fieldwork.omr.models import ScanBatch, ScanPage, TextRegion, VerificationItem
from fieldwork.online.rules import kiosk_key
from fieldwork.plans import operations_review, operations_steps
from fieldwork.plans.models_docs import DocKind
from fieldwork.plans.models_fieldwork import (
    Assignment,
    Attendance,
    ConsultationComment,
    SerialRange,
    TrainingSession,
)
from fieldwork.plans.models_workflow import Step, StepState
from fieldwork.privacy.operations import grant_contact_access
from fieldwork.quality import operations as quality_ops
from fieldwork.quality.rule import approve_rule, set_rule
from fieldwork.reports import drafts

from ..conftest import csrf_token, login
from ..factories import PASSWORD, approved_version
from ..frames.helpers import world_frame
from ..imports.helpers import rows_csv
from ..omr.conftest import batch_scans
from ..plans.helpers import pdf, put_in_state, upload
from ..quality.conftest import add_sheet
from ..reports.test_draft_pages import docx_of
from ..reports.test_drafts import NARRATIVE, build_data


def _quick_report_files(monkeypatch) -> None:
    """Small stand-in report files (the real builders are tested in tests/reports)."""
    from fieldwork.reports import docx_report, pdf_report

    monkeypatch.setattr(pdf_report, "build_report_pdf", lambda c, *_a: pdf(repr(c.subject)))
    monkeypatch.setattr(docx_report, "build_report_docx",
                        lambda c, *_a: docx_of(repr(c.subject)))


def _scan_one_page(app, db, survey, batch, scanner) -> ScanPage:
    """Page 1 of sheet 1 of ``batch`` uploaded through the scanning station and read."""
    client = app.test_client()
    login(client, scanner.email, PASSWORD)
    page = batch_scans(batch, only={batch.serial_text(batch.first_serial)})[0]
    resp = client.post("/scans/", data={
        "csrf_token": csrf_token(client, "/scans/"), "survey": str(survey.id), "note": "",
        "files": [(io.BytesIO(page.data), f"p1.{page.ext}")]},
        content_type="multipart/form-data")
    assert resp.status_code == 302, resp.status_code
    db.session.expire_all()
    return db.session.scalars(select(ScanPage).order_by(ScanPage.id)).first()


def _pending_upload(app, manager, survey) -> str:
    """The token of an import upload left at its mapping step by ``manager``."""
    client = app.test_client()
    login(client, manager.email, PASSWORD)
    resp = client.post("/imports/", data={
        "survey": survey.id, "source": "city_online", "csrf_token": csrf_token(client, "/imports/"),
        "file": (io.BytesIO(rows_csv([["1", "Sở Tư pháp", "1/3/2026", "1", "", ""]])),
                 "kq.csv")}, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.status_code
    return resp.headers["Location"].rstrip("/").rsplit("/", 1)[1]


def build_world(app, db, factory, monkeypatch) -> SimpleNamespace:
    """Every object the table's URLs name, and one user per column."""
    _quick_report_files(monkeypatch)
    d = build_data(db, factory)  # ST-1: manager, lan, reviewer, agency_a, agency_b, field
    survey, manager = d.survey, d.manager
    scanner, recheck, public = (factory.user("scanner"), factory.user("recheck"),
                                factory.user("public"))

    # Step 3: training, an assignment of agency A to Lan with a serial range, a print batch.
    session = TrainingSession(survey_id=survey.id, held_on=date(2026, 6, 1), place="Hội trường",
                              trainer="Trần Văn Huấn", pass_mark=None)
    session.attendance.append(Attendance(user_id=d.lan.id, present=True))
    assignment = Assignment(survey_id=survey.id, enumerator_id=d.lan.id, agency_id=d.a.id,
                            quota=10)
    rng = SerialRange(survey_id=survey.id, first_serial=1, last_serial=10,
                      handed_out_on=date(2026, 6, 2))
    assignment.ranges.append(rng)
    db.session.add_all([session, assignment])
    # Sheet 1000 is scanned below; 1001 stays on paper, not yet keyed.
    batch = print_batch(survey, {"count": 2, "start_serial": 1000,
                                 "agency_id": survey.scope[0].agency_id}, manager)
    db.session.commit()
    page = _scan_one_page(app, db, survey, batch, scanner)
    region = db.session.scalars(select(TextRegion).where(TextRegion.page_id == page.id)).first()
    answer = next(a for a in page.answers if not is_contact(a.question))
    item = db.session.scalars(select(VerificationItem)).first()
    if item is None:  # a clean read: put one answer in the verification queue
        item = VerificationItem(answer_id=answer.id, survey_id=survey.id, reason="doubtful",
                                read_values=list(answer.values))
        db.session.add(item)
    consultation = ConsultationComment(survey_id=survey.id, agency_id=d.a.id,
                                       text="Đề nghị bổ sung câu hỏi.", created_by_id=manager.id)
    db.session.add(consultation)
    draft_form = forms_ops.create_from_version(survey.version, manager)  # v2, editable
    db.session.commit()

    # Step 4: report drafts (synthesis, agency A), attachments.
    syn = drafts.create_draft(survey, manager, narrative=NARRATIVE)
    draft_a = drafts.create_draft(survey, manager, agency=d.a)
    att_a = upload(survey, manager, DocKind.AGENCY_DRAFT, agency_id=d.a.id)
    db.session.commit()

    # Step 5: a round with agency A's comment and an on-site verification given to Lan.
    put_in_state(db, survey, Step.COMMENTS, StepState.NOT_STARTED)
    operations_steps.transition(survey, {"step": 5, "name": "open_round"}, manager)
    rnd = operations_steps.current_round(survey)
    comment = operations_review.file_comment(rnd, {"text": "Số phiếu chưa đúng."}, d.agency_a)
    task = operations_review.open_verification(comment, {
        "assignee_id": d.lan.id, "scheduled_on": "2026-11-10", "place": "Sở Tư pháp"}, manager)
    db.session.commit()

    # Re-check, imports, privacy.
    recheck_rule = set_rule(survey, {"period_kind": "month", "size_mode": "count",
                                     "size_value": 2, "basis": "Kế hoạch, mục 4"}, manager)
    approve_rule(recheck_rule, d.reviewer)
    draw = quality_ops.create_draw(survey, {"period": "2026-03", "seed": 2026}, manager)
    from fieldwork.imports.operations import import_results
    run = import_results(survey, io.BytesIO(rows_csv([["1", "Sở Tư pháp", "1/3/2026", "1", "",
                                                        ""]])),
                         {"name": "kq.csv", "channel": "online"}, manager)
    grant = grant_contact_access(recheck, {"survey_id": survey.id, "reason": "Phúc tra"},
                                 manager)
    db.session.commit()
    token = _pending_upload(app, manager, survey)
    frame_draw, frame_token = world_frame(app, survey, [d.a, d.b], manager)
    drawn_a, drawn_b = (next(i for i in frame_draw.items if i.agency_id == a.id and not i.reserve)
                        for a in (d.a, d.b))

    # PUB-1, published from an uploaded final report (the public pages).
    pub = factory.survey("PUB-1", agencies=[d.a])
    pub.version = approved_version(db, pub, {"manager": manager, "reviewer": d.reviewer},
                                   "danang-2025")
    for n in (1, 2, 3):
        add_sheet(db, pub, n, agency=d.a, enumerator=d.lan,
                  answers={"q01": ["yes" if n < 3 else "no"], "agency": [d.a.name]})
    final = upload(pub, manager, DocKind.FINAL_REPORT, filename="bao-cao.pdf",
                   data=pdf("final PUB-1"))
    put_in_state(db, pub, Step.ACCEPTANCE, StepState.ISSUED)
    operations_steps.transition(pub, {"step": 6, "name": "publish"}, manager)
    # A watched scanner folder (never looked at here: its page shows it as not yet checked).
    inbox = ScanInbox(name="Máy quét tầng 1", path="/srv/fieldwork-route-world/inbox",
                      survey=survey, operator=scanner, created_by_id=manager.id)
    db.session.add(inbox)
    db.session.commit()

    users = {"manager": manager, "enumerator": d.lan, "scanner": scanner,
             "home_affairs": d.reviewer, "agency": d.agency_a, "agency_other": d.agency_b,
             "recheck": recheck, "public": public, "anonymous": None}
    code = survey.code
    version = survey.version.number
    serial = 1  # an approved sheet of agency A
    # URL values by argument name, then per endpoint where the name is ambiguous.
    values = {"code": code, "number": version, "serial": serial, "batch_id": batch.id,
              "page_id": page.id, "region_id": region.id,
              "item_id": item.id, "draft_id": draft_a.id,
              "attachment_id": att_a.id, "comment_id": comment.id, "task_id": task.id,
              "round_id": rnd.id, "session_id": session.id, "assignment_id": assignment.id,
              "range_id": rng.id, "run_id": run.run.id, "token": token, "grant_id": grant.id,
              "user_id": d.lan.id, "draw_id": draw.id, "rule_id": recheck_rule.id, "n": 1,
              "agency_id": d.a.id, "size": "a4", "inbox_id": inbox.id,
              "key": kiosk_key(app.config["SECRET_KEY"], code, d.a.id),
              "question": answer.question, "qcode": "q01",
              "job_id": db.session.scalar(select(Job.id).where(
                  Job.subject == f"scan_batch:{page.batch_id}"))}
    per_endpoint = {
        "reports_public.survey": {"code": pub.code},
        "reports_public.chart": {"code": pub.code},
        "reports_public.download": {"code": pub.code, "attachment_id": final.id},
        "quality.item": {"item_id": draw.items[0].id},
        "frames.mapping": {"token": frame_token},
        "frames.draw_page": {"draw_id": frame_draw.id},
        "frames.draw_file": {"draw_id": frame_draw.id, "kind": "draw"},
        "frames.outcome": {"item_id": drawn_a.id},
        "frames.attempt": {"item_id": drawn_a.id},
        "frames.replace": {"item_id": drawn_a.id},
        "omr.batch": {"batch_id": page.batch_id},
        "omr.progress": {"batch_id": page.batch_id},
        "omr.resume": {"batch_id": page.batch_id},
        "stats.chart": {"name": "agencies"},
        "auth.set_language": {"code": "vi"},
        "bootstrap.static": {"filename": "css/bootstrap.min.css"},
        "forms.transition": {"name": "submit"},
        "forms.edit_question": {"number": draft_form.number},
        "forms.delete_question": {"number": draft_form.number},
        "forms.compare": {"_query": f"?a={version}&b={draft_form.number}"},
        "plans.transition": {"n": 5, "name": "close_round"},
        "entry.change": {"name": "approve"},
        "plans.consultation_dispose": {"comment_id": consultation.id},
        # VARIANTS of the table
        "online_public.kiosk [wrong key]": {"key": "0" * 20},
        "plans.step [5: comment round]": {"n": 5},
        "plans.detail [PUB-1: agency A only]": {"code": pub.code},
        "reports.version [synthesis]": {"draft_id": syn.id},
        "plans.attachment_download [synthesis PDF]": {"attachment_id": syn.pdf_id},
        "reports_public.survey [unpublished]": {"code": code},
        "reports_public.chart [unpublished]": {"code": code},
        "reports_public.download [agency draft]": {"code": pub.code, "attachment_id": att_a.id},
        "entry.sheet [not yet keyed]": {"serial": batch.last_serial},
        "forms.edit_question [approved v1]": {"number": version},
        "frames.draw_file [call list]": {"draw_id": frame_draw.id, "kind": "calls"},
        "frames.draw_file [invitations PDF]": {"draw_id": frame_draw.id, "kind": "invitations"},
        "frames.outcome [agency B's dossier]": {"item_id": drawn_b.id},
        "frames.replace [agency B's dossier]": {"item_id": drawn_b.id},
    }
    return SimpleNamespace(users=users, values=values, per_endpoint=per_endpoint,
                           survey=survey, syn=syn, scan_batch=db.session.get(ScanBatch,
                                                                            page.batch_id))

"""A full walk of one survey from plan draft to publication through the web pages."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from fieldwork.plans.models_fieldwork import Assignment, ConsultationComment, SerialRange
from fieldwork.plans.models_review import AgencyComment, CommentRound, VerificationTask
from fieldwork.plans.models_workflow import Step, StepState
from fieldwork.plans.steps import ensure, plan_of

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from .helpers import docx_bytes, pdf, use_fake_forms


class Browser:
    """One signed-in user with a client of their own and the page's CSRF token."""

    def __init__(self, app, user, code):
        self.client = app.test_client()
        self.code = code
        assert login(self.client, user.email, PASSWORD).status_code == 302
        self.token = csrf_token(self.client, f"/surveys/{code}")

    def get(self, path: str) -> str:
        resp = self.client.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        return resp.get_data(as_text=True)

    def post(self, path: str, data: dict | None = None, files: dict | None = None) -> str:
        """POST a form (following the redirect); returns the resulting page."""
        form = {"csrf_token": self.token, **(data or {})}
        for key, (name, body) in (files or {}).items():
            form[key] = (io.BytesIO(body), name)
        resp = self.client.post(f"/surveys/{self.code}{path}", data=form,
                                content_type="multipart/form-data", follow_redirects=True)
        assert resp.status_code == 200, (path, resp.status_code)
        return resp.get_data(as_text=True)

    def do(self, step: int, name: str, comment: str = "") -> str:
        return self.post(f"/step/{step}/do/{name}", {"comment": comment})


def _ok(page: str) -> None:
    assert "alert-danger" not in page, re.findall(r'alert-danger[^>]*>(.*?)</div>', page, re.S)


def test_walk_from_plan_draft_to_publication(app, client, factory, db, monkeypatch):
    # ``client`` makes app.test_client() give fresh-context clients; one per user below.
    forms = use_fake_forms(monkeypatch, approved=False)
    stp, phuong = factory.agency("Sở Tư pháp"), factory.agency("Phường Hải Châu")
    survey = factory.survey("WALK-2026", agencies=[stp, phuong])
    manager = factory.user("manager", name="Nguyễn Văn An")
    reviewer = factory.user("home_affairs", name="Phạm Quốc Bảo")
    lan = factory.user("enumerator", name="Nguyễn Thị Lan")
    hung = factory.user("enumerator", name="Trần Văn Hùng")
    agency_user = factory.user("agency", agency=stp, name="Hoàng Minh Tuấn")
    other_agency_user = factory.user("agency", agency=phuong, name="Võ Thị Hạnh")
    m = Browser(app, manager, survey.code)
    ha = Browser(app, reviewer, survey.code)
    code = survey.code

    # Step 1: write the plan, submit, get it returned, resubmit, appraised, issue.
    page = m.do(1, "submit")
    assert "alert-danger" in page  # sections still empty: refused with the reasons
    sections = {k: f"Nội dung mục {k}" for k in ("purpose", "requirements", "scope_text",
                                                  "subjects", "field_reasons", "methods",
                                                  "questionnaire_content", "timeline",
                                                  "budget")}
    _ok(m.post("/plan", sections))
    _ok(m.post("/plan/policy", {"sample_policy": "qd2223-2025", "rounding": "floor"}))
    row = survey.scope[0]
    _ok(m.post("/scope/update", {"scope_id": row.id, "dossiers": "4.000"}))
    page = m.get(f"/surveys/{code}/step/1")
    assert "259,74" in page and "→ 259" in page
    _ok(m.do(1, "submit"))
    _ok(ha.do(1, "return", "Bổ sung phương pháp chọn mẫu."))
    assert ensure(survey)[Step.PLAN].state == StepState.RETURNED
    _ok(m.post("/plan", {**sections, "methods": "Chọn mẫu ngẫu nhiên hệ thống."}))
    _ok(m.do(1, "submit"))
    _ok(ha.do(1, "appraise"))
    assert "alert-danger" in m.do(1, "issue")  # no signer, signed plan missing
    _ok(m.post("/plan", {"signer_authority": "KT. Giám đốc", "signer_title": "Phó Giám đốc",
                         "signer_name": "Trần Minh Khoa"}))
    _ok(m.post("/attachments", {"kind": "plan_signed", "step": "1"},
               {"file": ("ke-hoach-da-ky.pdf", pdf("signed"))}))
    _ok(m.do(1, "issue"))
    docx = m.client.get(f"/surveys/{code}/plan.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"

    # Step 2: consultation, Home Affairs approval (questionnaire pages), pilot, final.
    _ok(m.do(2, "open_consultation"))
    _ok(m.post("/consultation", {"agency_id": stp.id, "document_ref": "123/STP-VP",
                                 "received_on": "2026-04-10", "text": "Đề nghị thêm câu hỏi."}))
    comment = db.session.scalar(select(ConsultationComment))
    assert "alert-danger" in m.do(2, "close_consultation")  # no disposition, no approval
    _ok(m.post(f"/consultation/{comment.id}", {"disposition": "accepted",
                                               "disposition_text": "Đã bổ sung câu 5."}))
    assert "alert-danger" in m.do(2, "close_consultation")  # still no approved version
    forms.approved = True
    _ok(m.do(2, "close_consultation"))
    _ok(m.post("/pilot", {"held_on": "2026-05-05", "place": "Phường Hải Châu",
                          "version_number": "1", "batch_ref": "PILOT 1-30", "sheets": "30",
                          "findings": "Người dân hiểu câu hỏi."}))
    _ok(m.do(2, "finalise"))

    # Step 3: training with a test; only the one who passed is assigned; serials; returns.
    _ok(m.do(3, "start_training"))
    _ok(m.post("/training", {"held_on": "2026-06-01", "place": "Hội trường Trung tâm",
                             "trainer": "ThS. Lê Văn Huấn", "pass_mark": "70"}))
    page = m.get(f"/surveys/{code}/step/3")
    session_id = int(re.search(r"/training/(\d+)/attendance", page).group(1))
    _ok(m.post(f"/training/{session_id}/attendance", {"user_id": lan.id, "present": "1",
                                                      "score": "85"}))
    _ok(m.post(f"/training/{session_id}/attendance", {"user_id": hung.id, "present": "1",
                                                      "score": "55"}))
    assert "alert-danger" in m.post("/assignments", {"enumerator_id": hung.id,
                                                     "agency_id": stp.id, "quota": "100"})
    _ok(m.post("/assignments", {"enumerator_id": lan.id, "agency_id": stp.id, "quota": "300"}))
    assignment = db.session.scalar(select(Assignment))
    forms.printed = (1, 500)
    assert "alert-danger" in m.post(f"/assignments/{assignment.id}/ranges",
                                    {"first_serial": "400", "last_serial": "700",
                                     "handed_out_on": "2026-06-02"})
    _ok(m.post(f"/assignments/{assignment.id}/ranges", {"first_serial": "1",
                                                        "last_serial": "300",
                                                        "handed_out_on": "2026-06-02"}))
    _ok(m.do(3, "start_fieldwork"))
    rng = db.session.scalar(select(SerialRange))
    # 310 forms counted on paper are more than the 300 handed out: refused.
    assert "alert-danger" in m.post(f"/ranges/{rng.id}/return", {
        "returned_on": "2026-08-30", "completed": "280", "unused": "30"})
    _ok(m.post(f"/ranges/{rng.id}/return", {"returned_on": "2026-08-30", "completed": "270",
                                            "unused": "30"}))
    _ok(m.do(3, "close_fieldwork"))

    # Step 4: the 270 forms are on paper only (no sheet in the system: this walk has no
    # questionnaire to key), so both agencies are short and must be explained; drafts.
    _ok(m.do(4, "start_processing"))
    refused = m.do(4, "complete_drafts")
    assert "Sở Tư pháp (đã duyệt 0/259 phiếu)" in refused, refused
    for row in survey.scope:
        _ok(m.post("/shortfalls", {f"note_{row.id}": "Phiếu chưa được nhập, quét vào hệ "
                                                     "thống khi kết thúc xử lý."}))
    _ok(m.post("/attachments", {"kind": "report_draft", "step": "4"},
               {"file": ("du-thao-bao-cao.docx", docx_bytes())}))
    _ok(m.post("/attachments", {"kind": "agency_draft", "agency_id": stp.id, "step": "4"},
               {"file": ("du-thao-so-tu-phap.pdf", pdf("stp"))}))
    _ok(m.post("/attachments", {"kind": "agency_draft", "agency_id": phuong.id, "step": "4"},
               {"file": ("du-thao-hai-chau.pdf", pdf("hc"))}))
    _ok(m.do(4, "complete_drafts"))

    # Step 5: a round; the agency comments on its own draft; response; on-site verification.
    _ok(m.do(5, "open_round"))
    a = Browser(app, agency_user, code)
    page = a.get(f"/surveys/{code}/step/5")
    assert "du-thao-so-tu-phap.pdf" in page and "du-thao-hai-chau.pdf" not in page
    rnd = db.session.scalar(select(CommentRound))
    _ok(a.post(f"/rounds/{rnd.id}/comments", {"text": "Tỷ lệ hài lòng lĩnh vực hộ tịch thấp "
                                                      "hơn thực tế.",
                                              "disputed_figure": "Bảng 3: 71,2%"},
               {"file": ("cong-van.pdf", pdf("cv"))}))
    other = Browser(app, other_agency_user, code)
    page = other.get(f"/surveys/{code}/step/5")
    assert "Tỷ lệ hài lòng lĩnh vực hộ tịch" not in page and "du-thao-so-tu-phap" not in page
    c = db.session.scalar(select(AgencyComment))
    _ok(m.post(f"/comments/{c.id}/response", {"response_kind": "explained",
                                              "response_text": "Sẽ xác minh tại chỗ."}))
    _ok(m.post(f"/comments/{c.id}/verification", {"assignee_id": lan.id,
                                                  "scheduled_on": "2026-11-10",
                                                  "place": "Bộ phận Một cửa Sở Tư pháp"}))
    assert "alert-danger" in m.do(5, "close_round")  # the verification is open
    e = Browser(app, lan, code)
    task = db.session.scalar(select(VerificationTask))
    assert e.client.get("/surveys/notifications").status_code == 200
    _ok(e.post(f"/verifications/{task.id}", {"findings": "Kết quả khảo sát phù hợp thực tế.",
                                             "outcome": "confirmed"}))
    _ok(m.do(5, "close_round"))
    _ok(m.do(5, "complete"))

    # Step 6: council, Home Affairs appraisal, issue, publish.
    _ok(m.do(6, "convene_council"))
    _ok(m.post("/council/members", {"name": "PGS.TS Nguyễn Văn Hội", "position": "Giảng viên",
                                    "council_role": "Chủ tịch", "vote": "agree",
                                    "score": "88"}))
    assert "alert-danger" in m.do(6, "submit")
    _ok(m.post("/council", {"meeting_on": "2026-12-05", "decision": "passed",
                            "decision_text": "Thông qua."},
               {"file": ("bien-ban.pdf", pdf("bb"))}))
    _ok(m.do(6, "submit"))
    _ok(ha.do(6, "appraise"))
    _ok(m.post("/attachments", {"kind": "final_report", "step": "6",
                                "title": "Báo cáo kết quả khảo sát 2026"},
               {"file": ("bao-cao-2026.pdf", pdf("final"))}))
    assert "alert-danger" in m.do(6, "issue")  # its number, date and recipients first
    token = csrf_token(m.client, f"/reports/{code}")
    issued = m.client.post(f"/reports/{code}/issue", data={
        "csrf_token": token, "number": "31", "issued_on": "2026-12-01", "to_city": "1",
        "to_home_affairs": "1", "agency_ids": [str(stp.id), str(phuong.id)]},
        follow_redirects=True).get_data(as_text=True)
    _ok(issued)
    assert "Số 31/" in issued and "Sở Tư pháp" in issued
    _ok(m.do(6, "issue"))
    _ok(m.do(6, "publish"))
    assert all(r.done for r in ensure(survey).values())
    assert plan_of(survey).survey.status.value == "closed"

    # The public page, without signing in.
    anon = app.test_client()
    page = anon.get("/bao-cao-khao-sat/").get_data(as_text=True)
    assert "Báo cáo khảo sát hài lòng hàng năm" in page and "bao-cao-2026.pdf" in page
    link = re.search(r'href="(/bao-cao-khao-sat/WALK-2026/\d+)"', page).group(1)
    with anon.get(link) as resp:
        assert resp.status_code == 200 and resp.data.startswith(b"%PDF")

"""The demo's previous year: DEMO-2025 walked through all six steps, closed and published.

Everything goes through the real operations, by the demo accounts: the manager writes and
submits the plan, Home Affairs appraises it, the questionnaire (the 2025 Da Nang form) is
consulted on, approved and piloted, the enumerators are trained and handed their printed
serials, about three thousand sheets come back keyed and approved (``stats.demo.fill_year``:
slightly lower satisfaction than 2026, so year-over-year changes show), the report drafts go
to the agencies in a comment round, an acceptance council passes the report, Home Affairs
appraises it, and it is issued and published on the public page.

The 2025 survey covers only dossiers returned from 1 July 2025 (after the reorganisation of
local government), so its dossier counts and required samples are smaller than 2026's.
"""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from sqlalchemy import select

from .auth.models import user_by_email as _user
from .directory.models import Agency
from .extensions import db
from .features import optional_module
from .plans.models import Survey
from .plans.models_workflow import Step

CODE = "DEMO-2025"
TITLE = ("Khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành "
         "chính nhà nước thành phố Đà Nẵng năm 2025")
MONTHS = {8: 22, 9: 28, 10: 30, 11: 20}
SEED = 2025
HANDED_OUT, RETURNED = "2025-08-27", "2025-11-28"
NARRATIVE = {
    "shortcomings": (
        "Tỷ lệ chưa hài lòng tập trung ở lĩnh vực đất đai và tại một số phường mới sắp xếp: "
        "người dân phải liên hệ nhiều lần để bổ sung hồ sơ và chưa được thông báo khi hồ sơ "
        "trễ hẹn. Việc sử dụng lại giấy tờ đã số hóa còn hạn chế."),
    "recommendations": (
        "Các cơ quan, đơn vị có tỷ lệ hài lòng dưới 90% rà soát quy trình tiếp nhận, hướng "
        "dẫn một lần đầy đủ thành phần hồ sơ; gửi tin nhắn thông báo khi hồ sơ có nguy cơ trễ "
        "hẹn; khai thác dữ liệu đã số hóa thay cho yêu cầu nộp bản giấy."),
}


# What the agency's own draft says (a round cannot send a draft with empty parts).
AGENCY_NARRATIVE = {
    "shortcomings": (
        "Người nộp hồ sơ lý lịch tư pháp phải liên hệ nhiều lần để bổ sung giấy tờ; một số hồ "
        "sơ trả kết quả chậm so với giấy hẹn mà không được thông báo trước."),
    "recommendations": (
        "Niêm yết đầy đủ thành phần hồ sơ tại Bộ phận Một cửa và trên Cổng dịch vụ công; gửi "
        "tin nhắn thông báo khi hồ sơ có nguy cơ trễ hẹn."),
}


def _step(survey, step: Step, name: str, user, comment: str | None = None) -> None:
    from .plans.operations_steps import transition
    transition(survey, {"step": int(step), "name": name, "comment": comment}, user)


def _letter_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page signed letter or record as PDF (Vietnamese font), for the demo's uploads."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from .forms.fonts import register_fonts
    fonts = register_fonts()
    head = ParagraphStyle("h", fontName=fonts.bold, fontSize=14, leading=18, alignment=1)
    body = ParagraphStyle("b", fontName=fonts.regular, fontSize=12.5, leading=17,
                          spaceAfter=6)
    out = io.BytesIO()
    story = [Paragraph(escape(title), head), Spacer(1, 8 * mm)]
    story += [Paragraph(escape(line), body) for line in lines]
    SimpleDocTemplate(out, pagesize=A4, leftMargin=30 * mm, rightMargin=15 * mm,
                      title=title, author="fieldwork demo").build(story)
    return out.getvalue()


def _upload(survey, user, kind: str, title: str, filename: str, body: bytes, agency_id=None):
    from .plans import attachments
    return attachments.upload(survey, {"kind": kind, "title": title, "filename": filename,
                                       "agency_id": agency_id, "stream": io.BytesIO(body)},
                              user)


def load_previous(data: dict, actor="demo") -> Survey | None:
    """Create DEMO-2025 and walk it to publication; None when the demo accounts are missing
    or the survey already exists."""
    manager, reviewer = _user("quanly@demo.vn"), _user("snv@demo.vn")
    keyers = [_user("dtv.lan@demo.vn"), _user("dtv.hung@demo.vn")]
    if manager is None or reviewer is None or None in keyers:
        return None
    if db.session.scalar(select(Survey).where(Survey.code == CODE)) is not None:
        return None
    survey = _plan(data, manager, reviewer)
    _questionnaire(survey, manager, reviewer)
    _fieldwork(survey, manager, keyers)
    final = _processing(survey, manager)
    _comments(survey, manager)
    _acceptance(survey, manager, reviewer, final)
    return survey


def _plan(data: dict, manager, reviewer) -> Survey:
    """Step 1: the plan written, submitted, appraised, signed and issued."""
    from .plans import operations as ops
    from .plans.demo import HEADER, SECTIONS
    survey = ops.create_survey({
        "code": CODE, "year": 2025, "title": TITLE,
        "contractor": "Trung tâm Khảo sát Độc lập (demo)",
        "description": "Dữ liệu minh hoạ năm trước (đã công bố): số hồ sơ là giả định."},
        manager)
    for a in data["agencies"]:
        if a.get("dossiers_2025") is None:
            continue
        agency = db.session.scalar(select(Agency).where(Agency.name == a["name"]))
        row = ops.add_scope(survey, {"agency_id": agency.id, "dossiers": a["dossiers_2025"],
                                     "state_bodies_only": agency.serves_state_bodies_only},
                            manager)
        if row.state_bodies_only:
            ops.update_scope(survey, {"scope_id": row.id, "dossiers": row.dossiers,
                                      "state_bodies_only": "1", "bodies_h1": 0,
                                      "bodies_h2": 12}, manager)
    sections = {k: v.replace("2026", "2025") for k, v in SECTIONS.items()}
    sections["scope_text"] = (
        "Khảo sát tại Bộ phận Một cửa của các sở, ban, ngành và UBND các xã, phường có tên "
        "trong danh sách dưới đây, đối với hồ sơ thủ tục hành chính đã trả kết quả từ ngày "
        "01/7/2025 (sau khi sắp xếp đơn vị hành chính) đến ngày 31/10/2025.")
    sections["timeline"] = (
        "- Tháng 7/2025: xây dựng kế hoạch, gửi Sở Nội vụ thẩm định.\n"
        "- Tháng 8/2025: lấy ý kiến về phiếu, Sở Nội vụ phê duyệt; khảo sát thử; tập huấn.\n"
        "- Tháng 8-11/2025: triển khai khảo sát.\n"
        "- Tháng 11-12/2025: xử lý số liệu, lấy ý kiến các cơ quan, đơn vị; nghiệm thu, "
        "Sở Nội vụ thẩm định, ban hành và công bố báo cáo.")
    header = {**HEADER, "subject": HEADER["subject"].replace("2026", "2025")}
    issue_plan(survey, manager, reviewer, {**sections, **header},
               "Đồng ý với kế hoạch; đơn vị ban hành và triển khai theo đúng tiến độ.",
               "42", date(2025, 7, 28))
    return survey


def issue_plan(survey, manager, reviewer, plan: dict, appraisal: str, doc_number: str,
               signed_on: date) -> None:
    """Step 1 of a demo year: ``plan`` written, submitted, appraised with ``appraisal``,
    signed as number ``doc_number`` on ``signed_on``, uploaded signed and issued."""
    from .plans import operations as ops
    from .plans.demo import HEADER, signed_plan
    ops.update_plan(survey, plan, manager)
    ops.set_reviewer(survey, {"reviewer_id": reviewer.id}, manager)
    _step(survey, Step.PLAN, "submit", manager)
    _step(survey, Step.PLAN, "appraise", reviewer, appraisal)
    ops.update_plan(survey, {"doc_number": doc_number, "signed_on": signed_on}, manager)
    body, ext = signed_plan(survey)
    symbol = HEADER["doc_symbol"]
    _upload(survey, manager, "plan_signed", f"Kế hoạch số {doc_number}/{symbol} (bản đã ký)",
            f"ke-hoach-{doc_number}-{symbol}-da-ky.{ext}", body)
    _step(survey, Step.PLAN, "issue", manager)


def _questionnaire(survey, manager, reviewer) -> None:
    """Step 2: consultation (the agencies agreed without comments), the 2025 Da Nang form
    approved by Home Affairs, piloted, final."""
    approve_form(survey, manager, reviewer, "Phê duyệt mẫu phiếu khảo sát năm 2025.", {
        "held_on": "2025-08-20", "place": "Phường Hải Châu", "batch_ref": "Bản in thử 30 phiếu",
        "sheets": 30, "findings": "Người trả lời hiểu câu hỏi; thời gian điền khoảng 4 phút."})


def approve_form(survey, manager, reviewer, approval: str, pilot: dict) -> None:
    """Step 2 of a demo year: consultation opened, the 2025 Da Nang form submitted, approved
    by ``reviewer`` with ``approval``, consultation closed, ``pilot`` recorded, final."""
    from .forms import operations as forms_ops
    from .plans.operations_fieldwork import add_pilot
    _step(survey, Step.QUESTIONNAIRE, "open_consultation", manager)
    version = forms_ops.create_from_template(survey, "danang-2025", manager)
    forms_ops.transition(version, "submit", manager)
    forms_ops.transition(version, "approve", reviewer, approval)
    _step(survey, Step.QUESTIONNAIRE, "close_consultation", manager)
    add_pilot(survey, {"version_number": 1, **pilot}, manager)
    _step(survey, Step.QUESTIONNAIRE, "finalise", manager)


def _fieldwork(survey, manager, keyers) -> None:
    """Step 3: training, assignments, printed serials handed out, keyed, returned."""
    collect_on_paper(survey, manager, keyers, (88, 81), {
        "held_on": "2025-08-25", "materials": "Tài liệu hướng dẫn điều tra viên 2025"},
        SEED, MONTHS, HANDED_OUT, RETURNED, 1.03)
    # The city's online software and the call centre 1022 collected beside it.
    from .demo_sources import other_sources
    other_sources(survey, manager, date(2025, 8, 1), date(2025, 11, 28), SEED)
    _step(survey, Step.FIELDWORK, "close_fieldwork", manager)


def collect_on_paper(survey, manager, keyers, scores, training: dict, seed: int, months: dict,
                     handed_out: str, returned: str, aim: float) -> None:
    """Step 3 of a demo year up to its close: ``keyers`` trained (``scores``) and assigned
    the agencies in turn, ``aim`` times the required sample printed, handed out on
    ``handed_out``, filled in over ``months`` (``stats.demo.fill_year``: keyed and approved),
    and every range's return recorded on ``returned``."""
    from .plans.demo import train_and_assign
    from .plans.operations_fieldwork import hand_out_range, record_return
    from .stats.demo import DEFAULT_SHEETS, bulk_size, fill_year
    _step(survey, Step.FIELDWORK, "start_training", manager)
    assignments = train_and_assign(survey, manager, keyers, scores, training,
                                   lambda i, agency: keyers[i % len(keyers)])
    handed = {agency_id: a.enumerator for agency_id, a in assignments.items()}
    required = {agency_id: a.quota for agency_id, a in assignments.items()}
    # A little over the required sample, as a contractor aims (smaller in the tests).
    total = round(sum(required.values()) * aim * bulk_size() / DEFAULT_SHEETS)
    handouts = fill_year(survey, total, seed, manager, keyers, months, handed,
                         spare=round(aim - 1, 6))
    ranges = {}
    for agency_id, got in handouts.items():
        ranges[agency_id] = hand_out_range(assignments[agency_id], {
            "first_serial": got.first, "last_serial": got.last, "handed_out_on": handed_out},
            manager)
    _step(survey, Step.FIELDWORK, "start_fieldwork", manager)
    for agency_id, got in handouts.items():
        record_return(ranges[agency_id], {
            "returned_on": returned, "completed": got.returned,
            "unused": got.last - got.first + 1 - got.returned}, manager)


def _draft(survey, manager, agency=None) -> bytes | None:
    """A report draft: a ReportDraft version (DOCX and PDF) when that module exists, else a
    generated DOCX; returns the synthesis PDF when one was made (the final report)."""
    drafts = optional_module("fieldwork.reports.drafts")
    narrative = NARRATIVE if agency is None else AGENCY_NARRATIVE
    if drafts is not None:
        from .plans.attachments import full_path
        draft = drafts.create_draft(survey, manager, agency=agency, narrative=narrative)
        return full_path(draft.pdf).read_bytes()
    from .reports.drafts import file_stem
    from .reports.operations import generate_report
    with tempfile.TemporaryDirectory() as tmp:
        out = generate_report(survey, "docx", Path(tmp) / "draft.docx", manager, agency=agency,
                              narrative=narrative)
        name = "tong-hop" if agency is None else file_stem(agency.name)
        _upload(survey, manager, "report_draft" if agency is None else "agency_draft",
                f"Dự thảo báo cáo {agency.name if agency else 'tổng hợp'} năm 2025",
                f"du-thao-bao-cao-{name}-2025.docx", out.read_bytes(),
                agency_id=agency.id if agency else None)
    return None


DRAFT_NOTE = ("Kết quả của cơ quan được trình bày tại Phụ lục của dự thảo báo cáo tổng hợp; "
              "không lập dự thảo riêng.")


def _processing(survey, manager) -> bytes | None:
    """Step 4: shortfalls explained (if any), synthesis and one agency's draft, ready."""
    from .plans.operations_fieldwork import explain_shortfalls
    from .plans.progress import progress
    _step(survey, Step.PROCESSING, "start_processing", manager)
    if any(not a.met for a in progress(survey)[0]):
        explain_shortfalls(survey, {"note_all": "Số hồ sơ trả kết quả trong thời gian khảo "
                                                "sát thấp hơn dự kiến."}, manager)
    final = _draft(survey, manager)
    agency = next(s.agency for s in survey.scope if s.agency.name == "Sở Tư pháp")
    _draft(survey, manager, agency)
    # The other agencies' results are tables of the synthesis: said so in writing.
    explain_shortfalls(survey, {f"draft_note_{s.agency_id}": DRAFT_NOTE for s in survey.scope
                                if s.agency_id != agency.id}, manager)
    _step(survey, Step.PROCESSING, "complete_drafts", manager)
    return final


def _comments(survey, manager) -> None:
    """Step 5: one round; Sở Tư pháp comments, the contractor explains; round complete."""
    from .plans.operations_review import file_comment, respond
    from .plans.operations_steps import current_round
    _step(survey, Step.COMMENTS, "open_round", manager)
    rnd = current_round(survey)
    author = _user("stp@demo.vn")
    if author is not None and any(d.agency_id == author.agency_id for d in rnd.drafts):
        comment = file_comment(rnd, {
            "text": "Đề nghị làm rõ số phiếu của lĩnh vực lý lịch tư pháp so với số hồ sơ.",
            "disputed_figure": "Bảng kết quả theo lĩnh vực"}, author)
        respond(comment, {"response_kind": "explained", "response_text": (
            "Số phiếu được phân bổ theo số hồ sơ trả kết quả của từng cơ quan; chi tiết theo "
            "lĩnh vực đã được bổ sung vào phụ lục.")}, manager)
    _step(survey, Step.COMMENTS, "close_round", manager)
    _step(survey, Step.COMMENTS, "complete", manager)


def _acceptance(survey, manager, reviewer, final: bytes | None) -> None:
    """Step 6: council, Home Affairs appraisal, the report issued (the synthesis version's
    frozen figures, its number, date and recipients recorded), publication."""
    from .plans.operations_review import add_council_member, update_council
    from .reports.operations import generate_report
    _step(survey, Step.ACCEPTANCE, "convene_council", manager)
    members = [("PGS.TS Nguyễn Văn Hội", "Giảng viên Đại học Đà Nẵng", "Chủ tịch", 90),
               ("ThS. Trần Thị Thanh", "Phó Giám đốc Sở Nội vụ", "Phó Chủ tịch", 86),
               ("Lê Minh Đức", "Chuyên viên Sở Nội vụ", "Thư ký", 85)]
    for name, position, role, score in members:
        add_council_member(survey, {"name": name, "position": position, "council_role": role,
                                    "vote": "agree", "score": score}, manager)
    minutes = _letter_pdf("BIÊN BẢN HỌP HỘI ĐỒNG NGHIỆM THU", [
        f"Kết quả {TITLE[0].lower()}{TITLE[1:]}.",
        "Thời gian: 15/12/2025. Thành phần: 3/3 thành viên hội đồng.",
        "Kết luận: Hội đồng thống nhất thông qua báo cáo (3/3 thành viên đồng ý).",
        "(Đã ký)"])
    update_council(survey, {"meeting_on": "2025-12-15", "decision": "passed",
                            "decision_text": "Thông qua báo cáo kết quả khảo sát năm 2025.",
                            "filename": "bien-ban-hoi-dong-nghiem-thu-2025.pdf",
                            "stream": io.BytesIO(minutes)}, manager)
    _step(survey, Step.ACCEPTANCE, "submit", manager)
    _step(survey, Step.ACCEPTANCE, "appraise", reviewer,
          "Báo cáo đạt yêu cầu; đề nghị đơn vị ban hành và công bố.")
    dispatch = optional_module("fieldwork.reports.dispatch")
    if dispatch is not None:
        # Issued with its number and date, sent to every agency, the city and Home Affairs:
        # the final report is that issued file, its "Nơi nhận" the recorded dispatch.
        dispatch.issue_report(survey, {
            "number": "68", "issued_on": "2025-12-26", "to_city": "1",
            "to_home_affairs": "1", "agency_ids": [str(s.agency_id) for s in survey.scope]},
            manager)
    else:
        if final is None:
            with tempfile.TemporaryDirectory() as tmp:
                final = generate_report(survey, "pdf", Path(tmp) / "final.pdf", manager,
                                        narrative=NARRATIVE).read_bytes()
        _upload(survey, manager, "final_report", "Báo cáo kết quả khảo sát năm 2025",
                "bao-cao-ket-qua-khao-sat-2025.pdf", final)
    _step(survey, Step.ACCEPTANCE, "issue", manager)
    _step(survey, Step.ACCEPTANCE, "publish", manager)

"""The demo's thematic surveys: DEMO-2026-CD in step 5, DEMO-2026-DN in step 4.

A thematic survey of 2026 (the first year of two-tier local government) at three of the
city's one-stop desks: Sở Tư pháp, Phường Hải Châu and Xã Hòa Vang. It has been walked
through steps 1 to 4 by the demo accounts with the real operations (plan appraised and
issued, the 2025 Da Nang form consulted on, approved and piloted, enumerators trained and
handed printed serials, keyed and approved sheets (``stats.demo.fill_year``), every range
returned, fieldwork closed, a synthesis draft and one draft per agency), and a comment round
is open: the agency reviewers (``stp@demo.vn``, ``phuchau@demo.vn``) find their agency's
draft to read and comment on, on their start page.

DEMO-2026-DN, a thematic survey of businesses and investors at Sở Tài chính, Sở Xây dựng and
Sở Công Thương, is walked the same way to step 4: its data are in (approved sheets, every
range returned, fieldwork closed), and the manager's next work is its report drafts.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from .demo_previous import _step, _user, approve_form, collect_on_paper, issue_plan
from .directory.models import Agency
from .extensions import db
from .plans.models import Survey
from .plans.models_workflow import Step

CODE = "DEMO-2026-CD"
TITLE = ("Khảo sát chuyên đề sự hài lòng của người dân, tổ chức đối với dịch vụ hành chính "
         "công trong năm đầu vận hành chính quyền địa phương hai cấp tại thành phố Đà Nẵng "
         "năm 2026")
AGENCIES = ("Sở Tư pháp", "Phường Hải Châu", "Xã Hòa Vang")
SCOPE_TEXT = (
    "Khảo sát chuyên đề tại Bộ phận Một cửa của Sở Tư pháp, UBND phường Hải Châu và UBND xã "
    "Hòa Vang, đối với hồ sơ thủ tục hành chính đã trả kết quả từ ngày 01/01/2026 đến ngày "
    "30/6/2026.")
# The survey in step 4: (code, title, agencies, scope text, plan number, seed).
PROCESSING = (
    "DEMO-2026-DN",
    "Khảo sát chuyên đề sự hài lòng của doanh nghiệp, nhà đầu tư đối với thủ tục đăng ký kinh "
    "doanh, đầu tư và xây dựng tại thành phố Đà Nẵng năm 2026",
    ("Sở Tài chính", "Sở Xây dựng", "Sở Công Thương"),
    "Khảo sát chuyên đề tại Bộ phận Một cửa của Sở Tài chính, Sở Xây dựng và Sở Công Thương, "
    "đối với hồ sơ của doanh nghiệp, nhà đầu tư đã trả kết quả từ ngày 01/01/2026 đến ngày "
    "30/6/2026.",
    "64", 20263)
MONTHS = {7: 45, 8: 55}
SEED = 20262
HANDED_OUT, RETURNED = "2026-07-01", "2026-08-31"

SYNTHESIS = {
    "shortcomings": (
        "Người dân tại các phường, xã mới sắp xếp còn phải liên hệ nhiều lần để bổ sung hồ "
        "sơ; một số thủ tục hộ tịch và chứng thực trả kết quả chậm so với giấy hẹn mà không "
        "được thông báo trước."),
    "recommendations": (
        "Hướng dẫn một lần đầy đủ thành phần hồ sơ tại Bộ phận Một cửa; gửi tin nhắn thông "
        "báo khi hồ sơ có nguy cơ trễ hẹn; bồi dưỡng công chức mới điều động về phường, xã."),
}
# What each agency's own draft says (a round cannot send a draft with empty parts).
BY_AGENCY = {
    "Sở Tư pháp": {
        "shortcomings": (
            "Hồ sơ cấp phiếu lý lịch tư pháp còn phải bổ sung giấy tờ nhiều lần; thời gian "
            "trả kết quả một số hồ sơ chậm so với giấy hẹn."),
        "recommendations": (
            "Niêm yết đầy đủ thành phần hồ sơ trên Cổng dịch vụ công; khai thác dữ liệu dân "
            "cư thay cho yêu cầu nộp bản sao giấy tờ."),
    },
    "Phường Hải Châu": {
        "shortcomings": (
            "Thời gian chờ tại Bộ phận Một cửa vào đầu tuần còn dài; một số người dân chưa "
            "được hướng dẫn nộp hồ sơ trực tuyến."),
        "recommendations": (
            "Bố trí thêm quầy tiếp nhận vào sáng thứ Hai; hướng dẫn người dân nộp hồ sơ "
            "trực tuyến ngay tại quầy."),
    },
    "Xã Hòa Vang": {
        "shortcomings": (
            "Công chức mới điều động chưa nắm vững quy trình đất đai; người dân ở xa phải đi "
            "lại nhiều lần."),
        "recommendations": (
            "Tập huấn nghiệp vụ đất đai cho công chức mới; tăng cường tiếp nhận, trả kết quả "
            "qua dịch vụ bưu chính công ích."),
    },
}


def load_round(data: dict, actor="demo") -> Survey | None:
    """Create DEMO-2026-CD and walk it to step 5 with a comment round open, and DEMO-2026-DN
    to step 4; None when the demo accounts are missing or DEMO-2026-CD already exists."""
    manager, reviewer = _user("quanly@demo.vn"), _user("snv@demo.vn")
    keyers = [_user("dtv.lan@demo.vn"), _user("dtv.hung@demo.vn")]
    if manager is None or reviewer is None or None in keyers:
        return None
    if db.session.scalar(select(Survey).where(Survey.code == CODE)) is not None:
        return None
    survey = _plan(data, manager, reviewer, CODE, TITLE, AGENCIES, SCOPE_TEXT, "61")
    _fieldwork(survey, manager, reviewer, keyers, SEED)
    _drafts(survey, manager)
    _step(survey, Step.COMMENTS, "open_round", manager)
    code, title, agencies, scope_text, number, seed = PROCESSING
    if db.session.scalar(select(Survey).where(Survey.code == code)) is None:
        other = _plan(data, manager, reviewer, code, title, agencies, scope_text, number)
        _fieldwork(other, manager, reviewer, keyers, seed)
    return survey


def _plan(data: dict, manager, reviewer, code: str, title: str, agencies: tuple,
          scope_text: str, number: str) -> Survey:
    """Step 1: the plan of a thematic survey of ``agencies`` (half their yearly dossiers)
    written, appraised, signed as ``number`` and issued."""
    from .plans import operations as ops
    from .plans.demo import HEADER, SECTIONS

    survey = ops.create_survey({
        "code": code, "year": 2026, "title": title,
        "contractor": "Trung tâm Khảo sát Độc lập (demo)",
        "description": "Dữ liệu minh hoạ (khảo sát chuyên đề): số hồ sơ là giả định."},
        manager)
    dossiers = {a["name"]: a["dossiers"] for a in data["agencies"]}
    for name in agencies:
        agency = db.session.scalar(select(Agency).where(Agency.name == name))
        ops.add_scope(survey, {"agency_id": agency.id, "dossiers": dossiers[name] // 2,
                               "state_bodies_only": False}, manager)
    sections = {**SECTIONS, "scope_text": scope_text, "timeline": (
        "- Tháng 5/2026: xây dựng kế hoạch, gửi Sở Nội vụ thẩm định.\n"
        "- Tháng 6/2026: phê duyệt phiếu, khảo sát thử, tập huấn điều tra viên.\n"
        "- Tháng 7-8/2026: triển khai khảo sát.\n"
        "- Tháng 9-11/2026: xử lý số liệu, lập dự thảo báo cáo.\n"
        "- Tháng 12/2026: lấy ý kiến các cơ quan, đơn vị về dự thảo (đến ngày 18/12/2026); "
        "nghiệm thu, ban hành và công bố báo cáo.")}
    header = {**HEADER, "subject": title}
    issue_plan(survey, manager, reviewer, {**sections, **header},
               "Đồng ý với kế hoạch khảo sát chuyên đề; đơn vị ban hành và triển khai.",
               number, date(2026, 5, 22))
    # A thematic survey sets its own comment deadline (the decision's 30 November is for the
    # yearly survey), as its plan's timeline says.
    ops.set_due_dates(survey, {"due_5": "18/12/2026"}, manager)
    return survey


def _fieldwork(survey, manager, reviewer, keyers, seed: int) -> None:
    """Steps 2 and 3: the form approved and piloted; paper handed out, keyed, approved, all
    returned; fieldwork closed; step 4 started with the shortfalls (if any) explained."""
    from .plans.operations_fieldwork import explain_shortfalls
    from .plans.progress import progress
    approve_form(survey, manager, reviewer, "Phê duyệt mẫu phiếu khảo sát chuyên đề năm 2026.", {
        "held_on": "2026-06-15", "place": "Xã Hòa Vang", "batch_ref": "Bản in thử 20 phiếu",
        "sheets": 20, "findings": "Người trả lời hiểu câu hỏi; không cần sửa phiếu."})
    collect_on_paper(survey, manager, keyers, (92, 86), {
        "held_on": "2026-06-25", "materials": "Tài liệu hướng dẫn khảo sát chuyên đề 2026"},
        seed, MONTHS, HANDED_OUT, RETURNED, 1.02)
    _step(survey, Step.FIELDWORK, "close_fieldwork", manager)
    _step(survey, Step.PROCESSING, "start_processing", manager)
    if any(not a.met for a in progress(survey)[0]):
        explain_shortfalls(survey, {"note_all": "Số hồ sơ trả kết quả trong thời gian khảo "
                                                "sát thấp hơn dự kiến."}, manager)


def _drafts(survey, manager) -> None:
    """Step 4: the synthesis draft and each agency's draft, then drafts complete."""
    from .reports.drafts import create_draft
    create_draft(survey, manager, narrative=SYNTHESIS)
    for row in survey.scope:
        create_draft(survey, manager, agency=row.agency, narrative=BY_AGENCY[row.agency.name])
    _step(survey, Step.PROCESSING, "complete_drafts", manager)

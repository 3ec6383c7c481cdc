"""Demo content: DEMO-2026 as a survey in progress.

``load`` tells step 1 to its end through the real operations: the manager writes and submits
the plan, the assigned Home Affairs reviewer appraises it, the manager registers its number,
uploads the signed copy and issues it, then opens the written consultation of step 2.
``finish`` runs after every feature's ``load`` (so after the forms demo drafted questionnaire
v1): two agencies' written comments on that draft, each with its disposition. The forms demo's
``finish`` then has v1 submitted and approved. ``field`` (after every ``finish``) closes the
consultation, records the pilot, finalises the questionnaire, trains the two enumerators,
assigns each agency in scope to one of them and starts fieldwork: the other demos then print
sheets for those assignments and hand them out in serial ranges.
"""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from ..auth.models import user_by_email as _user
from ..documents.fonts import FontMissingError
from ..extensions import db
from . import attachments, forms_link
from . import operations as ops
from .docx_export import build_plan_docx, build_plan_pdf, plan_document
from .models_docs import DocKind
from .models_fieldwork import Disposition
from .models_workflow import Step
from .operations_fieldwork import add_consultation_comment, dispose_consultation_comment
from .operations_steps import transition

SECTIONS = {
    "purpose": (
        "- Đánh giá khách quan mức độ hài lòng của người dân, tổ chức đối với việc cung ứng "
        "dịch vụ hành chính công của các sở, ban, ngành, UBND các xã, phường, đặc khu trên "
        "địa bàn thành phố Đà Nẵng năm 2026.\n"
        "- Xác định những bất cập trong quy định, quy trình giải quyết thủ tục hành chính và "
        "những yếu tố khiến tổ chức, công dân gặp khó khăn; làm cơ sở để các cơ quan, đơn vị "
        "đề ra giải pháp nâng cao chất lượng phục vụ.\n"
        "- Cung cấp số liệu phục vụ đánh giá, xếp hạng kết quả cải cách hành chính năm 2026."),
    "requirements": (
        "- Khảo sát bảo đảm khách quan, khoa học, đúng phạm vi, đối tượng và phương pháp được "
        "Sở Nội vụ thẩm định; nghiêm cấm mọi hành vi làm giả hoặc làm sai lệch kết quả.\n"
        "- Bảo đảm số lượng phiếu tối thiểu theo Quyết định số 2223/QĐ-UBND ngày 27/10/2025 "
        "của UBND thành phố.\n"
        "- Thông tin cá nhân của người tham gia khảo sát được bảo mật; chỉ cung cấp cho đơn vị "
        "phúc tra theo quy định."),
    "scope_text": (
        "Khảo sát tại Bộ phận Một cửa của các sở, ban, ngành và UBND các xã, phường, đặc khu "
        "có tên trong danh sách dưới đây, đối với hồ sơ thủ tục hành chính đã trả kết quả từ "
        "ngày 01/01/2026 đến ngày 30/9/2026."),
    "subjects": (
        "Tổ chức, công dân đã nộp hồ sơ và nhận kết quả giải quyết thủ tục hành chính trong "
        "thời gian nêu trên; ưu tiên các hồ sơ trễ hẹn, quá hạn trên hệ thống một cửa điện tử "
        "của thành phố."),
    "field_reasons": (
        "- Khảo sát các lĩnh vực hộ tịch, chứng thực, đất đai, xây dựng, đăng ký kinh doanh, "
        "đầu tư, lao động - việc làm và bảo trợ xã hội, giao thông vận tải, y tế, giáo dục và "
        "đào tạo, công thương, tư pháp, khoa học và công nghệ, văn hóa - thể thao và du lịch "
        "tại các cơ quan, đơn vị có tên trong danh sách.\n"
        "- Hộ tịch, chứng thực và đất đai là các lĩnh vực có số hồ sơ trả kết quả lớn nhất tại "
        "Bộ phận Một cửa của các sở, ban, ngành và UBND các xã, phường, đặc khu năm trước.\n"
        "- Đất đai, xây dựng và đăng ký kinh doanh có tỷ lệ hồ sơ trễ hẹn cao và nhiều phản "
        "ánh, kiến nghị của người dân, doanh nghiệp trên Cổng dịch vụ công và đường dây nóng "
        "của thành phố.\n"
        "- Từ ngày 01/7/2025, các xã, phường mới sau sắp xếp tiếp nhận thêm nhiều thủ tục; "
        "cần đánh giá chất lượng phục vụ trong năm đầu vận hành chính quyền địa phương hai "
        "cấp.\n"
        "- Các lĩnh vực đã khảo sát năm trước được khảo sát lại để so sánh kết quả giữa các "
        "năm."),
    "methods": (
        "- Điều tra xã hội học bằng phiếu giấy có mã QR, do điều tra viên đã qua tập huấn phát "
        "và thu tại Bộ phận Một cửa hoặc tại địa chỉ của người nộp hồ sơ.\n"
        "- Phiếu được quét và nhận dạng dấu chọn (OMR); các ô chưa rõ được người kiểm tra "
        "xác nhận. Mỗi câu trả lời truy vết được đến ảnh quét.\n"
        "- Cỡ mẫu theo công thức n = N/(1 + N×e²) với sai số e theo số hồ sơ của từng đơn vị."),
    "questionnaire_content": (
        "Mẫu phiếu theo Nghị định số 118/2025/NĐ-CP (Điều 32, 33): người trả lời cho biết số "
        "điện thoại và số căn cước hoặc mã hồ sơ; chọn “Hài lòng” hoặc “Chưa hài lòng”; nếu "
        "chưa hài lòng thì chọn lý do (công khai thông tin; tiến độ, kết quả; phải liên hệ "
        "nhiều lần; thái độ công chức; sử dụng lại giấy tờ đã số hóa; chi phí không chính "
        "thức; giải trình phản ánh, kiến nghị; dịch vụ trực tuyến; lý do khác) và góp ý thêm."),
    "timeline": (
        "- Quý I/2026: xây dựng kế hoạch, gửi Sở Nội vụ thẩm định.\n"
        "- Tháng 4-5/2026: xây dựng phiếu, lấy ý kiến các cơ quan, đơn vị; Sở Nội vụ phê "
        "duyệt; khảo sát thử.\n"
        "- Tháng 6-9/2026: tập huấn điều tra viên, triển khai khảo sát.\n"
        "- Tháng 10/2026: xử lý số liệu, xây dựng báo cáo.\n"
        "- Tháng 11/2026: lấy ý kiến các cơ quan, đơn vị về dự thảo báo cáo.\n"
        "- Tháng 12/2026: nghiệm thu, Sở Nội vụ thẩm định, ban hành và công bố báo cáo."),
    "budget": (
        "Từ nguồn kinh phí cải cách hành chính năm 2026 của thành phố giao cho đơn vị khảo "
        "sát độc lập (in phiếu, tập huấn, thù lao điều tra viên, xử lý số liệu, hội đồng "
        "nghiệm thu), theo dự toán được phê duyệt."),
}

HEADER = {
    # A private contractor: no parent body above its name (the city is not its superior).
    "parent_body": "",
    "issuing_body": "Trung tâm Khảo sát Độc lập",
    "doc_symbol": "KH-TTKS",
    "place": "Đà Nẵng",
    "subject": "Khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan "
               "hành chính nhà nước thành phố Đà Nẵng năm 2026",
    "recipients": "- Sở Nội vụ (để thẩm định);\n- Các sở, ban, ngành, UBND các xã, phường, "
                  "đặc khu được khảo sát;\n- Lãnh đạo Trung tâm;\n- Lưu: VT, KS.",
    "signer_authority": "KT. Giám đốc",
    "signer_title": "Phó Giám đốc",
    "signer_name": "Trần Minh Khoa",
}


# Registered number and signing date of the issued plan (appraisal is due by 31 March).
DOC_NUMBER, SIGNED_ON = "15", date(2026, 3, 27)

# (agency, letter, received on, comment, disposition, what was done with it)
CONSULTATION = [
    ("Sở Tư pháp", "Công văn số 412/STP-HCTP", date(2026, 4, 20),
     "Đề nghị bổ sung lựa chọn “Không có căn cước” vì một số người nộp hồ sơ là tổ chức "
     "hoặc người nước ngoài.",
     Disposition.EXPLAINED,
     "Giải trình: câu hỏi đã ghi rõ “nếu không có, ghi mã hồ sơ bên dưới”; tổ chức và người "
     "nước ngoài ghi mã hồ sơ nên không cần thêm lựa chọn. Giữ nguyên."),
    ("Phường Hải Châu", "Công văn số 87/UBND-VP", date(2026, 4, 23),
     "Câu “Các ý kiến góp ý khác” nên viết thành câu hỏi trực tiếp để người dân dễ trả lời.",
     Disposition.PARTLY,
     "Tiếp thu một phần: phiên bản 1 giữ nguyên để trình phê duyệt; câu q03 được viết lại "
     "thành câu hỏi trực tiếp trong dự thảo phiên bản 2, sẽ khảo sát thử trước khi áp dụng."),
]


def _step(survey, step: Step, name: str, user, comment: str | None = None) -> None:
    transition(survey, {"step": int(step), "name": name, "comment": comment}, user)


def load(survey, actor) -> None:
    """Plan written, submitted, appraised, signed and issued; written consultation opened."""
    manager = _user("quanly@demo.vn")
    reviewer = _user("snv@demo.vn")
    ops.update_plan(survey, {**SECTIONS, **HEADER}, manager or actor)
    for row in survey.scope:
        if row.state_bodies_only and row.bodies_h1 is None:
            # Invented: bodies that filed dossiers with the office in each half of the year.
            ops.update_scope(survey, {"scope_id": row.id, "dossiers": row.dossiers,
                                      "state_bodies_only": "1", "bodies_h1": 14,
                                      "bodies_h2": 11}, manager or actor)
    if manager is None or reviewer is None:
        return  # without the demo accounts the plan stays a draft
    ops.set_reviewer(survey, {"reviewer_id": reviewer.id}, manager)
    _step(survey, Step.PLAN, "submit", manager)
    _step(survey, Step.PLAN, "appraise", reviewer,
          "Kế hoạch đáp ứng yêu cầu của Quyết định số 2223/QĐ-UBND; đồng ý để đơn vị ban "
          "hành và triển khai.")
    ops.update_plan(survey, {"doc_number": DOC_NUMBER, "signed_on": SIGNED_ON}, manager)
    body, ext = signed_plan(survey)
    attachments.upload(survey, {
        "kind": DocKind.PLAN_SIGNED.value,
        "title": f"Kế hoạch số {DOC_NUMBER}/{HEADER['doc_symbol']} (bản đã ký)",
        "filename": f"ke-hoach-{DOC_NUMBER}-{HEADER['doc_symbol']}-da-ky.{ext}",
        "note": "Bản ký, đóng dấu (minh hoạ).", "stream": io.BytesIO(body)}, manager)
    _step(survey, Step.PLAN, "issue", manager)
    _step(survey, Step.QUESTIONNAIRE, "open_consultation", manager)


def finish(survey, actor) -> None:
    """After the forms demo drafted v1: agencies' written comments and their dispositions."""
    manager = _user("quanly@demo.vn")
    if manager is None:
        return
    by_name = {row.agency.name: row.agency_id for row in survey.scope}
    for agency, letter, received, text, disposition, answer in CONSULTATION:
        comment = add_consultation_comment(survey, {
            "agency_id": by_name[agency], "document_ref": letter, "received_on": received,
            "text": text}, manager)
        dispose_consultation_comment(comment, {"disposition": disposition.value,
                                               "disposition_text": answer}, manager)


ENUMERATORS = ("dtv.lan@demo.vn", "dtv.hung@demo.vn")
# The agencies whose demo sheets are keyed by hand (entry demo) go to these enumerators.
FIXED = {"Sở Tư pháp": "dtv.lan@demo.vn", "Phường Hải Châu": "dtv.hung@demo.vn"}


def field(survey, actor) -> None:
    """Step 2 closed and final after its pilot; training; every agency assigned; in field."""
    from .operations_fieldwork import add_pilot

    manager = _user("quanly@demo.vn")
    keyers = [_user(e) for e in ENUMERATORS]
    if manager is None or None in keyers or not forms_link.has_approved_version(survey):
        return
    _step(survey, Step.QUESTIONNAIRE, "close_consultation", manager)
    add_pilot(survey, {"version_number": 1, "batch_ref": "Bản in thử 30 phiếu",
                       "held_on": "2026-05-12", "place": "Bộ phận Một cửa Phường Hải Châu",
                       "sheets": 30, "findings": "Người trả lời hiểu các câu hỏi; thời gian "
                                                 "điền khoảng 4 phút. Không cần sửa phiếu."},
              manager)
    _step(survey, Step.QUESTIONNAIRE, "finalise", manager)
    _step(survey, Step.FIELDWORK, "start_training", manager)
    by_email = {k.email: k for k in keyers}
    train_and_assign(survey, manager, keyers, (90, 84), {
        "held_on": "2026-05-26", "materials": "Tài liệu hướng dẫn điều tra viên 2026"},
        lambda i, agency: by_email[FIXED.get(agency.name, ENUMERATORS[i % 2])])
    _step(survey, Step.FIELDWORK, "start_fieldwork", manager)


def train_and_assign(survey, manager, keyers, scores, session: dict, pick) -> dict:
    """A training session the ``keyers`` pass (``scores``), then one assignment per agency in
    scope to ``pick(i, agency)``, its quota the agency's required sample; {agency id:
    assignment}."""
    from .operations_fieldwork import add_assignment, add_training_session, record_attendance
    from .progress import requirements

    held = add_training_session(survey, {"place": "Hội trường Trung tâm", "pass_mark": 70,
                                         "trainer": "ThS. Lê Văn Huấn", **session}, manager)
    for keyer, score in zip(keyers, scores, strict=True):
        record_attendance(held, {"user_id": keyer.id, "present": "1", "score": score},
                          manager)
    required: dict[int, int] = {}
    agencies = {}
    for req in requirements(survey):
        agencies[req.scope.agency_id] = req.scope.agency
        required[req.scope.agency_id] = required.get(req.scope.agency_id, 0) + (
            req.required or 0)
    out = {}
    for i, (agency_id, need) in enumerate(required.items()):
        out[agency_id] = add_assignment(survey, {
            "enumerator_id": pick(i, agencies[agency_id]).id, "agency_id": agency_id,
            "quota": max(need, 1)}, manager)
    return out


def assignment_at(survey, agency_id: int):
    """The demo's assignment at an agency (one enumerator per agency), or None."""
    from .models_fieldwork import Assignment
    return db.session.scalar(select(Assignment).where(Assignment.survey_id == survey.id,
                                                      Assignment.agency_id == agency_id))


def signed_plan(survey) -> tuple[bytes, str]:
    """The issued plan as the signed PDF (no "DỰ THẢO"; "Đã ký" in the signing space), or
    the DOCX when the document serif is not installed."""
    doc = plan_document(survey, draft=False)
    doc.signature.note = "(Đã ký và đóng dấu)"
    try:
        return build_plan_pdf(doc), "pdf"
    except FontMissingError:
        return build_plan_docx(doc), "docx"

"""Demo content: DEMO-2026 gets a realistic plan draft a newcomer can read, export and submit."""

from __future__ import annotations

from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from . import operations as ops

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
    "parent_body": "UBND thành phố Đà Nẵng",
    "issuing_body": "Trung tâm Khảo sát và Tư vấn Độc lập",
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


def load(survey, actor) -> None:
    """Write the plan draft of DEMO-2026 (still a draft: the newcomer submits it)."""
    manager = db.session.scalar(select(User).where(User.email == "quanly@demo.vn")) or actor
    reviewer = db.session.scalar(select(User).where(User.email == "snv@demo.vn"))
    ops.update_plan(survey, {**SECTIONS, **HEADER}, manager)
    for row in survey.scope:
        if row.state_bodies_only and row.bodies_h1 is None:
            # Invented: bodies that filed dossiers with the office in each half of the year.
            ops.update_scope(survey, {"scope_id": row.id, "dossiers": row.dossiers,
                                      "state_bodies_only": "1", "bodies_h1": 14,
                                      "bodies_h2": 11}, manager)
    if reviewer is not None:
        ops.set_reviewer(survey, {"reviewer_id": reviewer.id}, manager)

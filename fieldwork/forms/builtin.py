"""Built-in questionnaire templates a survey can start from (data, editable per survey)."""

from __future__ import annotations

from collections.abc import Callable

from fieldwork.forms.spec import Option, Question, Questionnaire, Section

# Reasons for dissatisfaction, seed 002 (Decision 2223/QĐ-UBND, step 2 of the online
# form, from Decree 118/2025 arts. 32-33).  The seed letters them a, b, c, d, d, đ, e,
# g, e (typos); we keep the brief's stable codes a-g with "dd" for đ, and print the
# wording without letters so the codes never contradict the paper.
_REASONS = [
    ("reason_a", "Về công khai, minh bạch, đầy đủ, kịp thời của thông tin thủ tục hành "
                 "chính so với quy định",
     "Public, transparent, complete and timely information on the procedure"),
    ("reason_b", "Về tiến độ, kết quả giải quyết thủ tục hành chính",
     "Progress and result of handling the procedure"),
    ("reason_c", "Phải liên hệ nhiều lần để hoàn thiện thủ tục hành chính",
     "Had to contact many times to complete the procedure"),
    ("reason_d", "Thái độ ứng xử của cán bộ, công chức, viên chức hướng dẫn, tiếp nhận "
                 "hồ sơ, giải quyết thủ tục hành chính",
     "Attitude of the officials who guided, received and handled the dossier"),
    ("reason_dd", "Về kết quả sử dụng lại giấy tờ hồ sơ đã được số hóa",
     "Reuse of documents already digitised"),
    ("reason_e", "Phải tốn các chi phí không chính thức ngoài quy định",
     "Informal costs beyond the regulations"),
    ("reason_f", "Về thời gian và chất lượng ý kiến giải trình về phản ánh, kiến nghị",
     "Time and quality of answers to complaints and petitions"),
    ("reason_g", "Về chất lượng cung cấp dịch vụ trực tuyến",
     "Quality of online public services"),
    ("other", "Lý do khác", "Other reason"),
]


def _text(code: str, text: str, text_en: str, lines: int = 1, required: bool = False,
          relevant: str | None = None) -> Question:
    return Question(code, "text", text, text_en, required=required, relevant=relevant,
                    text_lines=lines)


def danang_2025() -> Questionnaire:
    """The 2025 Da Nang paper form (Decision 2223/QĐ-UBND, seed 002), on one A4 side.

    The agency, field and dossier are known to the print batch and printed, not asked
    (``forms.imprint``); the questions stay in the form so every source keeps one shape.
    """
    respondent = Section("respondent", "Thông tin người nộp hồ sơ", "Respondent", [
        Question("phone", "digits", "Số điện thoại", "Phone number", digits=10,
                 required=True),
        Question("citizen_id", "digits", "Số căn cước (12 số)", "Citizen ID number (12 digits)",
                 digits=12),
        Question("survey_date", "date", "Ngày khảo sát", "Survey date (day/month/year)",
                 required=True),
        _text("dossier_code", "Mã hồ sơ", "Dossier code"),
        _text("agency", "Cơ quan, đơn vị giải quyết hồ sơ", "Agency handling the dossier",
              required=True),
        _text("field", "Lĩnh vực", "Field", required=True),
        _text("procedure", "Tên thủ tục hành chính", "Administrative procedure"),
    ])
    satisfaction = Section("satisfaction", "Đánh giá mức độ hài lòng", "Satisfaction", [
        Question("q01", "single",
                 "Ông/Bà có hài lòng với việc giải quyết thủ tục hành chính của cơ quan, "
                 "đơn vị không?",
                 "Are you satisfied with how the agency handled your procedure?",
                 [Option("yes", "Hài lòng", "Satisfied"),
                  Option("no", "Chưa hài lòng", "Not satisfied")], required=True),
        Question("q02", "multiple",
                 "Vui lòng lựa chọn nội dung Ông/Bà chưa hài lòng (có thể chọn nhiều)",
                 "Please choose what you are not satisfied with (several allowed)",
                 [Option(code, vi, en) for code, vi, en in _REASONS],
                 required=True, relevant="q01 == 'no'"),
        _text("q02_other", "Lý do khác: vui lòng ghi rõ nội dung chưa hài lòng",
              "Other reason: please describe", lines=1, relevant="selected(q02, 'other')"),
        _text("q03", "Các ý kiến góp ý khác (không bắt buộc)", "Other comments (optional)",
              lines=3),
    ])
    return Questionnaire(
        "Phiếu khảo sát mức độ hài lòng của tổ chức, công dân đối với dịch vụ hành chính công",
        "Survey of citizen and organisation satisfaction with public administrative services",
        [respondent, satisfaction], max_pages=1)


_SCALE = [("1", "Rất không hài lòng", "Very dissatisfied"),
          ("2", "Không hài lòng", "Dissatisfied"),
          ("3", "Bình thường", "Neutral"),
          ("4", "Hài lòng", "Satisfied"),
          ("5", "Rất hài lòng", "Very satisfied")]
_NA = ("na", "Không áp dụng", "Not applicable")

# The five SIPAS aspects (Ministry of Home Affairs method) and their items.
_ASPECTS = [
    ("access", "Tiếp cận dịch vụ", "Access to the service", [
        "Nơi ngồi chờ tại Bộ phận Một cửa có đủ chỗ ngồi",
        "Trang thiết bị phục vụ tại Bộ phận Một cửa đầy đủ",
        "Trang thiết bị phục vụ tại Bộ phận Một cửa hiện đại, dễ sử dụng"]),
    ("procedure", "Thủ tục hành chính", "Administrative procedure", [
        "Thủ tục hành chính được niêm yết công khai đầy đủ, chính xác",
        "Thành phần hồ sơ phải nộp là đúng quy định",
        "Phí, lệ phí phải nộp là đúng quy định",
        "Thời hạn giải quyết là đúng quy định"]),
    ("officials", "Công chức trực tiếp giải quyết công việc", "Officials", [
        "Công chức có thái độ giao tiếp lịch sự",
        "Công chức chú ý lắng nghe, trả lời đầy đủ ý kiến của người dân",
        "Công chức hướng dẫn kê khai hồ sơ tận tình, dễ hiểu",
        "Công chức tuân thủ đúng quy định trong giải quyết công việc"]),
    ("results", "Kết quả giải quyết thủ tục hành chính", "Results", [
        "Kết quả nhận được đúng quy định",
        "Kết quả nhận được có thông tin đầy đủ, chính xác"]),
    ("feedback", "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị", "Feedback handling", [
        "Cơ quan có bố trí hình thức tiếp nhận góp ý, phản ánh, kiến nghị",
        "Người dân dễ dàng thực hiện góp ý, phản ánh, kiến nghị",
        "Cơ quan tiếp nhận, xử lý và thông báo kết quả xử lý kịp thời"]),
]

_DEMOGRAPHICS = [
    ("gender", "Giới tính", "Gender",
     [("male", "Nam", "Male"), ("female", "Nữ", "Female")]),
    ("age_group", "Nhóm tuổi", "Age group",
     [("u25", "Dưới 25 tuổi", "Under 25"), ("a25_34", "Từ 25 đến 34 tuổi", "25-34"),
      ("a35_49", "Từ 35 đến 49 tuổi", "35-49"), ("a50_60", "Từ 50 đến 60 tuổi", "50-60"),
      ("o60", "Trên 60 tuổi", "Over 60")]),
    ("education", "Trình độ học vấn", "Education",
     [("primary", "Tiểu học trở xuống", "Primary or less"),
      ("lower_sec", "Trung học cơ sở", "Lower secondary"),
      ("upper_sec", "Trung học phổ thông", "Upper secondary"),
      ("vocational", "Trung cấp, cao đẳng", "Vocational, college"),
      ("university", "Đại học", "University"),
      ("postgrad", "Sau đại học", "Postgraduate")]),
    ("occupation", "Nghề nghiệp", "Occupation",
     [("official", "Cán bộ, công chức, viên chức", "Civil servant"),
      ("worker", "Công nhân", "Worker"), ("farmer", "Nông dân", "Farmer"),
      ("business", "Kinh doanh, buôn bán", "Business owner, trader"),
      ("employee", "Nhân viên doanh nghiệp", "Company employee"),
      ("student", "Học sinh, sinh viên", "Student"), ("retired", "Nghỉ hưu", "Retired"),
      ("other", "Khác", "Other")]),
]


def sipas() -> Questionnaire:
    """A SIPAS-style form: five aspects on a 5-level scale, overall item, demographics."""
    scale = [Option(*s) for s in _SCALE]
    sections = [
        Section(code, f"{i}. {title}", title_en, [
            Question(f"{code}_{j}", "single", item, "", scale + [Option(*_NA)], required=True)
            for j, item in enumerate(items, 1)])
        for i, (code, title, title_en, items) in enumerate(_ASPECTS, 1)]
    sections.append(Section("general", "6. Đánh giá chung", "Overall", [
        Question("overall", "single",
                 "Nhìn chung, Ông/Bà hài lòng với sự phục vụ của cơ quan ở mức độ nào?",
                 "Overall, how satisfied are you with the service of the agency?",
                 list(scale), required=True)]))
    sections.append(Section("demographics", "7. Thông tin người trả lời", "About you", [
        Question(code, "single", text, text_en, [Option(*o) for o in opts])
        for code, text, text_en, opts in _DEMOGRAPHICS]))
    return Questionnaire(
        "Phiếu khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ "
        "của cơ quan hành chính nhà nước",
        "Survey of satisfaction with the service of public administrative agencies",
        sections, max_pages=2)


BUILTIN: dict[str, Callable[[], Questionnaire]] = {
    "danang-2025": danang_2025,
    "sipas": sipas,
}

"""Free texts of the demo sheets: comments (q03) and "other" reasons (q02_other).

Written the way respondents write on paper forms at a one-stop desk: short, plain, some
thankful, some critical.  Invented, like every name and figure of the demo.
"""

COMMENTS_POLITE = [
    "Cán bộ tiếp nhận nhiệt tình, hướng dẫn rõ ràng, dễ hiểu.",
    "Hài lòng, hồ sơ được trả đúng hẹn.",
    "Cảm ơn cán bộ một cửa đã hỗ trợ tận tình.",
    "Thủ tục nhanh gọn hơn năm trước, mong tiếp tục phát huy.",
    "Nhân viên lịch sự, giải thích kỹ các giấy tờ cần bổ sung.",
    "Được hướng dẫn nộp hồ sơ trực tuyến, không phải đi lại nhiều.",
    "Nơi làm việc sạch sẽ, có chỗ ngồi chờ và nước uống.",
    "Trả kết quả sớm hơn ngày hẹn, rất cảm ơn.",
    "Đề nghị duy trì tin nhắn báo tiến độ hồ sơ như hiện nay.",
    "Cán bộ trẻ nhưng làm việc chuyên nghiệp, đúng quy trình.",
    "Rất hài lòng với thái độ phục vụ của bộ phận một cửa.",
    "Nên có thêm quầy hướng dẫn cho người cao tuổi.",
]

COMMENTS_CRITICAL = [
    "Phải bổ sung hồ sơ nhiều lần vì mỗi lần được hướng dẫn một kiểu.",
    "Hồ sơ trễ hẹn gần hai tuần nhưng không được thông báo lý do.",
    "Cổng dịch vụ công hay bị lỗi khi tải tệp đính kèm.",
    "Giấy tờ đã số hóa nhưng vẫn bị yêu cầu nộp bản giấy.",
    "Thời gian chờ tại quầy quá lâu, nên bố trí thêm cán bộ vào buổi sáng.",
    "Đề nghị niêm yết rõ phí, lệ phí và thời hạn giải quyết.",
    "Gọi điện hỏi tiến độ nhưng không ai nghe máy.",
    "Cán bộ trả lời cộc lốc, chưa tôn trọng người dân.",
    "Không rõ hồ sơ đang ở khâu nào, tra cứu trên mạng không thấy cập nhật.",
    "Mong rút ngắn thời gian giải quyết thủ tục đất đai.",
    "Phản ánh qua đường dây nóng từ tháng trước nhưng chưa được trả lời.",
    "Bãi giữ xe chật, người dân phải gửi xe bên ngoài.",
]

OTHER_REASONS = [
    "Phải chờ lâu tại quầy tiếp nhận",
    "Không có chỗ gửi xe",
    "Phải đi lại giữa hai cơ quan để lấy xác nhận",
    "Máy lấy số thứ tự bị hỏng",
    "Kết quả trả về có sai sót thông tin, phải làm lại",
    "Không được hướng dẫn nộp trực tuyến",
]

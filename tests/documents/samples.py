"""Documents written by hand for the layout tests: known texts, a long table, a signature of
seed 004's form, and the bad inputs of issue 23 (a parent body too long for its column, no
signer)."""

from __future__ import annotations

from datetime import date, datetime

from fieldwork.documents import (
    Document,
    DraftMark,
    Para,
    Section,
    Signature,
    Table,
    date_line,
    number_line,
    recipient_lines,
)

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
CLOSING = "Trên đây là báo cáo kết quả khảo sát năm 2026 của Trung tâm./."
LONG_PARENT = "ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG"  # 8.55 cm at 12 pt; the column leaves 7.4


def agencies(n: int) -> list[list[str]]:
    """A ranking table of ``n`` agencies (numbers in Vietnamese format)."""
    rows = [["STT", "Cơ quan, đơn vị", "Số phiếu", "Tỷ lệ hài lòng"]]
    for i in range(1, n + 1):
        rows.append([str(i), f"Ủy ban nhân dân phường số {i}", f"{1000 + i * 7:,}".replace(
            ",", "."), f"{80 + i % 17},{i % 10}{i % 7}%"])
    return rows


def report(*, draft: bool = True, parent: str = "", issuer: str = "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
           signature: Signature | None = None, paragraphs: int = 14) -> Document:
    """A report of several pages: sections, sub-headings, italics, a 70-row table, an annex."""
    body = [Para("1. Căn cứ", bold=True, level=2),
            Para("Căn cứ Kế hoạch số 15/KH-STTTT ngày 27/3/2026 về khảo sát sự hài lòng;"),
            Para("Ghi chú: số liệu đã được kiểm tra và phê duyệt.", italic=True),
            Para("a) Kết quả chung", bold=True, level=3)]
    body += [Para(f"Đoạn {i}: người dân, tổ chức đánh giá việc giải quyết thủ tục hành chính "
                  "tại Bộ phận Một cửa; thời gian chờ, thái độ của công chức và việc công "
                  "khai thông tin được ghi nhận đầy đủ trong phiếu khảo sát.") for i in
             range(1, paragraphs + 1)]
    return Document(
        kind="BÁO CÁO", subject="Kết quả khảo sát sự hài lòng của người dân, tổ chức\nnăm 2026",
        issuing_body=issuer, parent_body=parent, number_line=number_line("", "BC-STTTT"),
        date_line=date_line("Đà Nẵng", None, 2026),
        intro=[Para("Thực hiện Kế hoạch số 15/KH-STTTT, Sở báo cáo kết quả như sau:")],
        sections=[Section("CĂN CỨ VÀ MỤC ĐÍCH", body),
                  Section("KẾT QUẢ THEO CƠ QUAN, ĐƠN VỊ",
                          [Para("Bảng 1. Tỷ lệ hài lòng:", bold=True),
                           Table(agencies(70), (1.2, 8.0, 2.5, 3.0), (2, 3))]),
                  Section("PHỤ LỤC 1: BẢNG SỐ LIỆU", [Table(agencies(5), (1, 6, 3, 3), (2, 3))],
                          annex=True)],
        closing=[Para(CLOSING)],
        recipients=recipient_lines(["UBND thành phố (để báo cáo)", "Sở Nội vụ"]),
        signature=signature or Signature(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"],
                                         "PHÓ CHỦ TỊCH", "Nguyễn Đức Minh"),
        draft=DraftMark(date(2026, 11, 5), 2) if draft else None,
        author="Trung tâm Khảo sát Độc lập", created=datetime(2026, 11, 5, 8, 30))

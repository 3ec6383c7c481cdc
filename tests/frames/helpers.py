"""Dossier lists as the one-stop system exports them, and a frame survey to import into."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

HEADER = ["Mã hồ sơ", "Cơ quan", "Lĩnh vực", "Thủ tục", "Ngày tiếp nhận", "Ngày hẹn trả",
          "Ngày trả kết quả", "Họ và tên", "Số điện thoại", "CCCD"]

PREFIXES = {"Sở Tư pháp": "TP", "Sở Y tế": "YT"}
NAMES = ["Nguyễn Thị Hoà", "Trần Văn Đức", "Lê Thị Ánh Tuyết", "Phạm Quốc Bảo",
         "Hoàng Thị Thuỷ", "Võ Minh Khôi", "Đặng Thị Ngọc Hương"]


def frame_csv(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    """A UTF-8 CSV dossier list."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def dossier(i: int, agency: str = "Sở Tư pháp", field: str = "HT", late: bool = False,
            start: date = date(2026, 2, 2)) -> list[str]:
    """Dossier number ``i``: received, due 10 days later, returned on time or 3 days late."""
    received = start + timedelta(days=i % 40)
    due = received + timedelta(days=10)
    returned = due + timedelta(days=3) if late else due - timedelta(days=1)
    prefix = PREFIXES.get(agency, "XX")
    return [f"HS-{prefix}-{i:05d}", agency, field, "Đăng ký khai sinh",
            received.strftime("%d/%m/%Y"), due.strftime("%d/%m/%Y"),
            returned.strftime("%d/%m/%Y"), NAMES[i % len(NAMES)],
            f"09{i % 100:02d} {i % 1000:03d} {i % 1000:03d}", f"{i:012d}"]


def sample_frame() -> list[list[str]]:
    """Six dossiers of Sở Tư pháp (two late) and three of Sở Y tế."""
    return ([dossier(i, late=i in (2, 5)) for i in range(1, 7)]
            + [dossier(i, "Sở Y tế", "YT") for i in range(1, 4)])

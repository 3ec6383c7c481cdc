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


def world_frame(app, survey, agencies, manager):
    """A frame of ``survey`` over ``agencies`` with a draw, and a pending upload of
    ``manager`` (for the route permission table): (draw, upload token)."""
    from fieldwork.extensions import db
    from fieldwork.frames.operations import import_frame
    from fieldwork.frames.operations_draw import make_draw
    from fieldwork.frames.uploads import save_upload

    rows = [dossier(i, a.name) for a in agencies for i in range(1, 4)]
    for k, r in enumerate(rows):
        r[0] = f"HS-W-{k:04d}"
    data = frame_csv(rows)
    import_frame(survey, io.BytesIO(data), {"name": "hoso.csv"}, "test")
    draw = make_draw(survey, {"seed": 1, "size": 2}, "test")
    db.session.commit()
    with app.test_request_context():
        token = save_upload(io.BytesIO(data), {"survey_id": survey.id, "user_id": manager.id,
                                               "name": "hoso.csv"})
    return draw, token

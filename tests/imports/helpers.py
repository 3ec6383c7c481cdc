"""Building results files in the encodings and formats the contractors receive."""

from __future__ import annotations

import csv
import io
import unicodedata

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}

HEADER = ["Mã phiếu", "Cơ quan", "Ngày", "Hài lòng", "Lý do", "Ý kiến"]


def to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes of Vietnamese text: base letters precomposed, tone marks combining."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out += base.encode("cp1258")
        out += "".join(c for c in parts if c in TONES).encode("cp1258")
    return bytes(out)


def rows_csv(rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8",
             delimiter: str = ",") -> bytes:
    """A CSV file in ``encoding`` ('utf-8', 'utf-8-sig' or 'cp1258')."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = buf.getvalue()
    if encoding == "cp1258":
        return to_cp1258(text)
    return text.encode(encoding)


def sample_rows() -> list[list[str]]:
    """Five answers to two agencies, one not satisfied with reasons."""
    return [
        ["TD-1", "Sở Tư pháp", "05/03/2026", "Hài lòng", "", ""],
        ["TD-2", "Sở Tư pháp", "06/03/2026", "Chưa hài lòng",
         "Về tiến độ, kết quả giải quyết TTHC; Về kết quả sử dụng lại giấy tờ hồ sơ đã được số "
         "hóa", "Chờ lâu"],
        ["TD-3", "Sở Y tế", "2026-03-07", "1", "", ""],
        ["TD-4", "Y tế", "07/03/2026", "0", "Phải liên hệ nhiều lần để hoàn thiện thủ tục hành "
         "chính", "Phải đi lại nhiều lần"],
        ["TD-5", "sở tư pháp", "08/03/2026", "có", "", "Cán bộ nhiệt tình"],
    ]

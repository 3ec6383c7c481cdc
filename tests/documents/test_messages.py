"""Every message the document checks give is shown in the user's language (Vietnamese by
default, English when chosen), one per problem."""

from __future__ import annotations

from flask_babel import force_locale

from fieldwork.documents import Signature
from fieldwork.documents.checks import authority_messages, problems

from .samples import LONG_PARENT, report

CASES = [
    report(parent=LONG_PARENT, issuer="TRUNG TÂM KHẢO SÁT VÀ TƯ VẤN ĐỘC LẬP",
           signature=Signature()),
    report(signature=Signature(["KT. GIÁM ĐỐC"], "PHÓ GIÁM ĐỐC", "")),
    report(signature=Signature([], "", "Trần Minh Khoa")),
]
AUTHORITY = [["KÝ THAY GIÁM ĐỐC"], ["KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN"],
             ["KT. GIÁM ĐỐC", "TL. GIÁM ĐỐC"], ["TUQ. GIÁM ĐỐC"]]


def _all() -> list[str]:
    out = [m for doc in CASES for m in problems(doc)]
    out += [m for lines in AUTHORITY for m in authority_messages(lines, "")]
    return out


def test_every_check_message_renders_in_vietnamese_and_in_english(app):
    with app.test_request_context("/"):
        vi = _all()
        with force_locale("en"):
            en = _all()
    assert len(vi) == len(en) == 11
    for v, e in zip(vi, en, strict=True):
        assert v != e, v
        assert any(ch in v for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỷỹ"), v
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG" in vi[0] and "2 dòng" in vi[0]
    assert "Chưa có người ký" in " ".join(vi)

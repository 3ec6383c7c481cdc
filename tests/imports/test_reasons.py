"""Reasons read by their text; letters only through a mapping the user gives and the dry run
shows. The file "lettered the seed's way" is written here as the city's software would: seed
002's list as printed (a, b, c, d, d, đ, e, g, e), its wording copied from the decision."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.imports.models import ImportedResponse
from fieldwork.imports.operations import import_results
from fieldwork.imports.reasons import parse_letter_mapping, reason_parser

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from .helpers import rows_csv

# Seed 002, III.2.b, step 2, as the decision prints it (letters and typos included).
SEED_LIST = [
    ("a", "Về Công khai, minh bạch, đầy đủ, lập thời của thông tin thủ tục hành chính so với "
          "quy định", "a"),
    ("b", "Về Tiến độ, kết quả giải quyết TTHC", "b"),
    ("c", "Phải liên hệ nhiều lần để hoàn thiện thủ tục hành chính", "c"),
    ("d", "Thái độ ứng xử của cán bộ, công chức, viên chức hướng dẫn, tiếp nhận hồ sơ, giải "
          "quyết thủ tục hành chính", "d"),
    ("d", "Về kết quả sử dụng lại giấy tờ hồ sơ đã được số hóa", "dd"),
    ("đ", "Phải tốn các Chi phí không chính thức ngoài quy định", "e"),
    ("e", "Về thời gian và chất lượng ý kiến giải trình về phản ánh kiến nghị", "f"),
    ("g", "Về Chất lượng cung cấp dịch vụ trực tuyến", "g"),
    ("e", "Lý do khác: Vui lòng điền nội dung chưa hài lòng hoặc các ý kiến góp ý khác",
     "other"),
]


def _strip_marks(text: str) -> str:
    import unicodedata
    out = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in out if unicodedata.category(c) != "Mn")


@pytest.mark.parametrize(("text", "code"), [(t, c) for _l, t, c in SEED_LIST])
def test_each_seed_wording_lands_on_its_code(app, text, code):
    with app.test_request_context("/"):
        parse = reason_parser()
        assert parse(text) == [code]
        assert parse(text.upper()) == [code]
        assert parse(_strip_marks(text).lower()) == [code]  # no diacritics, lower case
        assert parse(f"{_l_of(text)}) {text}") == [code]  # "đ) Phải tốn ..." - text rules


def _l_of(text: str) -> str:
    return next(letter for letter, t, _c in SEED_LIST if t == text)


def test_several_reasons_in_one_cell_and_our_own_codes(app):
    with app.test_request_context("/"):
        parse = reason_parser()
        assert parse("Về Tiến độ, kết quả giải quyết TTHC; Phải tốn các Chi phí không chính "
                     "thức ngoài quy định") == ["b", "e"]
        assert parse("Số hóa hồ sơ | Cung cấp dịch vụ trực tuyến\nInformal costs beyond the "
                     "regulations") == ["dd", "e", "g"]
        assert parse("reason_dd, reason_e") == ["dd", "e"]
        with pytest.raises(ValueError, match="không phải một lý do"):
            parse("Chờ lâu")


def test_letters_are_refused_without_a_mapping_and_read_through_one(app):
    with app.test_request_context("/"):
        with pytest.raises(ValueError, match="ghi bằng chữ cái") as info:
            reason_parser()("b, đ")
        assert info.value.letters == ["b", "đ"]
        mapping = parse_letter_mapping("a=reason_a; b=Về Tiến độ, kết quả giải quyết TTHC; "
                                       "đ=Chi phí không chính thức")
        assert mapping == {"a": "a", "b": "b", "đ": "e"}
        parse = reason_parser(mapping)
        assert parse("b, đ") == ["b", "e"] and parse("Đ") == ["e"] and parse("dd") == ["e"]
        with pytest.raises(ValueError, match="ghi bằng chữ cái") as info:
            parse("a, g")  # g was not given a meaning
        assert info.value.letters == ["g"]
        for bad in ("x=reason_a", "a=", "a=Chờ lâu", "a=reason_a; a=reason_b"):
            with pytest.raises(ValueError):
                parse_letter_mapping(bad)


@pytest.fixture()
def setup(db, factory):
    agency = factory.agency("Sở Tư pháp")
    return {"manager": factory.user("manager"), "agency": agency,
            "survey": factory.survey("RS-1", agencies=[agency])}


def _seed_lettered_file() -> bytes:
    """The online software's export with reasons as the seed letters them: 'đ' is
    informal costs (our e), never our 'dd' (digitised documents)."""
    return rows_csv([
        ["R1", "Sở Tư pháp", "05/03/2026", "Chưa hài lòng", "đ", ""],
        ["R2", "Sở Tư pháp", "05/03/2026", "Chưa hài lòng", "b, đ", ""],
        ["R3", "Sở Tư pháp", "06/03/2026", "Chưa hài lòng", "g", ""],
        ["R4", "Sở Tư pháp", "06/03/2026", "Hài lòng", "", ""],
    ])


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_seed_lettered_file_lands_on_the_right_codes(db, setup):
    data = _seed_lettered_file()
    opts = {"name": "kq.csv", "channel": "online"}
    report = import_results(setup["survey"], io.BytesIO(data), opts, setup["manager"])
    assert report.rejected == 3 and not report.committed
    assert report.unmapped_letters == {"đ": 2, "b": 1, "g": 1}
    assert count(db, ImportedResponse) == 0
    letters = {"b": "b", "đ": "e", "g": "g"}
    report = import_results(setup["survey"], io.BytesIO(data),
                            {**opts, "reason_letters": letters}, setup["manager"])
    db.session.commit()
    assert report.committed and report.added == 4 and report.letters == letters
    got = dict(db.session.execute(select(ImportedResponse.record_id,
                                         ImportedResponse.reasons)).all())
    assert got["R1"] == ["e"] and got["R2"] == ["b", "e"] and got["R3"] == ["g"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "imports.results"))
    assert event.after["reason_letters"] == letters


def test_the_cli_takes_the_letters_and_says_what_they_mean(runner, db, setup, tmp_path):
    path = tmp_path / "kq.csv"
    path.write_bytes(_seed_lettered_file())
    out = runner.invoke(args=["import-results", "RS-1", str(path), "--channel", "online",
                              "--dry-run"])
    assert "đ (2 rows), b (1 rows), g (1 rows)" in out.output and "rejected: 3" in out.output
    out = runner.invoke(args=["import-results", "RS-1", str(path), "--channel", "online",
                              "--reason-letters", "b=reason_b; đ=Chi phí không chính thức; "
                                                  "g=reason_g"])
    assert out.exit_code == 0, out.output
    assert "đ = Phải tốn các chi phí không chính thức ngoài quy định" in out.output
    assert "added: 4" in out.output
    out = runner.invoke(args=["import-results", "RS-1", str(path), "--channel", "online",
                              "--reason-letters", "đ=Chờ lâu"])
    assert out.exit_code == 1 and "“đ=Chờ lâu”" in out.output


def test_the_dry_run_page_asks_what_each_letter_means(client, db, setup):
    login(client, setup["manager"].email, PASSWORD)
    resp = client.post("/imports/", data={
        "survey": setup["survey"].id, "source": "city_online",
        "csrf_token": csrf_token(client, "/imports/"),
        "file": (io.BytesIO(_seed_lettered_file()), "kq.csv")},
        content_type="multipart/form-data")
    url = resp.headers["Location"]
    form = {"csrf_token": csrf_token(client, url), "map_agency": "Cơ quan", "map_date": "Ngày",
            "map_satisfied": "Hài lòng", "map_reasons": "Lý do", "map_record_id": "Mã phiếu"}
    page = client.post(url, data={**form, "dry_run": "1"}).get_data(as_text=True)
    card = re.search(r'id="reason-letters".*?</form>', page, re.S).group(0)
    assert re.findall(r'name="let-l_(\w+)"', card) == ["dd", "b", "g"]  # the file's letters
    resp = client.post(url, data={"let-csrf_token": csrf_token(client, url),
                                  "let-l_dd": "e", "let-l_b": "b", "let-l_g": "g",
                                  "let-apply_letters": "1"})
    assert resp.status_code == 302 and "check=1" in resp.headers["Location"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    card = re.search(r'id="reason-letters".*?</form>', page, re.S).group(0)
    assert "Phải tốn các chi phí không chính thức ngoài quy định" in card
    assert count(db, ImportedResponse) == 0
    assert re.search(r"Bị loại</dt><dd[^>]*>0<", page), page[page.find("import-report"):][:900]


def test_the_results_page_offers_unknown_agencies_as_aliases(client, db, setup):
    from fieldwork.directory.models import AgencyAlias

    login(client, setup["manager"].email, PASSWORD)
    data = rows_csv([["R1", "UBND Sở Tư pháp", "05/03/2026", "Hài lòng", "", ""],
                     ["R2", "Sở Tư pháp TP Đà Nẵng", "05/03/2026", "Hài lòng", "", ""]])
    resp = client.post("/imports/", data={
        "survey": setup["survey"].id, "source": "call_centre",
        "csrf_token": csrf_token(client, "/imports/"), "file": (io.BytesIO(data), "kq.csv")},
        content_type="multipart/form-data")
    url = resp.headers["Location"]
    form = {"csrf_token": csrf_token(client, url), "map_agency": "Cơ quan", "map_date": "Ngày",
            "map_satisfied": "Hài lòng", "map_record_id": "Mã phiếu"}
    page = client.post(url, data={**form, "dry_run": "1"}).get_data(as_text=True)
    card = re.search(r'id="unknown-agencies".*?</table>', page, re.S).group(0)
    assert "Sở Tư pháp TP Đà Nẵng" in card and "UBND Sở Tư pháp" not in card  # known
    resp = client.post("/directory/aliases", data={
        "csrf_token": csrf_token(client, url), "name": "Sở Tư pháp TP Đà Nẵng",
        "agency_id": setup["agency"].id, "kind": "other", "next": url + "?check=1"})
    assert resp.status_code == 302 and db.session.scalar(select(AgencyAlias.name)) == \
        "Sở Tư pháp TP Đà Nẵng"
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'id="unknown-agencies"' not in page and 'id="import-report"' in page

"""Agency aliases: how names are matched, one name one agency, lists all or nothing, the
dry run's "add as alias" step, the command line, and the migration."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.directory.matching import AgencyIndex, agency_key, suggest
from fieldwork.directory.models import AgencyAlias, AgencyKind
from fieldwork.directory.operations import add_alias, import_aliases, known_names
from fieldwork.errors import OperationError
from fieldwork.frames.models import FrameDossier

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from ..imports.exports import dossiers, one_stop_xlsx


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture()
def city(db, factory):
    """Two wards, a commune and a department; a manager."""
    return {"hai_chau": factory.agency("Phường Hải Châu", kind=AgencyKind.WARD),
            "thanh_khe": factory.agency("Phường Thanh Khê", kind=AgencyKind.WARD),
            "hoa_vang": factory.agency("Xã Hòa Vang", kind=AgencyKind.COMMUNE),
            "tu_phap": factory.agency("Sở Tư pháp"), "manager": factory.user("manager")}


@pytest.mark.parametrize("written", [
    "Phường Hải Châu", "UBND phường Hải Châu", "Ủy ban nhân dân Phường Hải Châu",
    "P. Hải Châu", "P.Hai Chau", "phuong hai chau", "PHƯỜNG HẢI CHÂU", "Hải Châu",
    "UBND P. Hải Châu."])
def test_the_ways_people_write_a_ward(written):
    index = AgencyIndex([(1, "Phường Hải Châu"), (2, "Xã Hòa Vang"), (3, "Sở Y tế")])
    assert index.find(written) == {1}


def test_commune_abbreviation_kind_words_and_ambiguity():
    index = AgencyIndex([(1, "Phường Hải Châu"), (2, "Xã Hòa Vang"), (3, "Xã Hải Châu")])
    assert index.find("X. Hòa Vang") == {2} and index.find("UBND xã Hoà Vang") == {2}
    assert index.find("Hải Châu") == {1, 3}  # a ward and a commune: the user must say which
    assert index.find("Phường Sơn Trà") == set()
    assert agency_key("UBND P. Hải Châu") == agency_key("Phường Hải Châu")


def test_suggest_the_closest_agency():
    names = [(1, "Phường Hải Châu"), (2, "Phường Thanh Khê"), (3, "Xã Hòa Vang")]
    assert suggest("Phường Hai Chau 1", names) == 1
    assert suggest("Phường Thạch Thang", names) is None


def test_add_alias_is_audited_and_one_name_means_one_agency(db, city, factory):
    row = add_alias(city["hai_chau"], {"name": " Phường  Thạch Thang ", "kind": "former"},
                    city["manager"])
    assert row.name == "Phường Thạch Thang" and row.key == "phuong thach thang"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action ==
                                                       "directory.alias_add"))
    assert event.after["agency"] == "Phường Hải Châu" and event.after["kind"] == "former"
    assert (city["hai_chau"].id, "Phường Thạch Thang") in known_names()
    with pytest.raises(OperationError, match="cơ quan khác, Phường Hải Châu: một tên không"):
        add_alias(city["thanh_khe"], {"name": "P. Thạch Thang"}, city["manager"])
    with pytest.raises(OperationError, match="đã là tên của Phường Hải Châu"):
        add_alias(city["hai_chau"], {"name": "UBND phường Thạch Thang"}, city["manager"])
    with pytest.raises(OperationError, match="cơ quan khác, Phường Thanh Khê"):
        add_alias(city["hai_chau"], {"name": "UBND phường Thanh Khê"}, city["manager"])
    with pytest.raises(OperationError, match="Vai trò"):
        add_alias(city["hai_chau"], {"name": "Hải Châu 2"}, factory.user("enumerator"))
    assert count(db, AgencyAlias) == 1


def _alias_csv(rows: list[list[str]]) -> bytes:
    lines = ["Tên khác,Cơ quan,Loại,Ghi chú"] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def test_a_list_with_a_name_for_two_agencies_adds_nothing(db, city):
    events = count(db, AuditEvent)
    data = _alias_csv([["Phường Thạch Thang", "Phường Hải Châu", "tên cũ", ""],
                       ["Phường Tam Thuận", "Phường Thanh Khê", "tên cũ", ""],
                       ["P. Thạch Thang", "Phường Thanh Khê", "", ""],
                       ["Phường Xuân Hà", "Phường Không Có", "", ""],
                       ["Phường Hòa Minh", "Phường Thanh Khê", "mới", ""]])
    report = import_aliases(io.BytesIO(data), "ds.csv", city["manager"])
    text = " ".join(report.errors)
    assert not report.committed and len(report.errors) == 3
    assert "Dòng 4: “P. Thạch Thang” chỉ Phường Thanh Khê, nhưng dòng 2" in text
    assert "một tên không thể chỉ hai cơ quan" in text
    assert "Dòng 5, Cơ quan: " in text and "Phường Không Có" in text
    assert "Dòng 6, Loại: “mới”" in text
    assert count(db, AgencyAlias) == 0 and count(db, AuditEvent) == events


def test_a_clean_list_adds_all_once(db, city):
    data = _alias_csv([["Phường Thạch Thang", "Phường Hải Châu", "tên cũ", "NQ 2025"],
                       ["Xã Hòa Phong", "UBND xã Hòa Vang", "tên cũ", ""],
                       ["Bộ phận một cửa Hải Châu", "P. Hải Châu", "khác", ""]])
    report = import_aliases(io.BytesIO(data), "ds.csv", city["manager"], dry_run=True)
    assert len(report.new) == 3 and not report.committed and count(db, AgencyAlias) == 0
    report = import_aliases(io.BytesIO(data), "ds.csv", city["manager"])
    assert report.committed and count(db, AgencyAlias) == 3
    kinds = dict(db.session.execute(select(AgencyAlias.name, AgencyAlias.kind)).all())
    assert kinds["Xã Hòa Phong"] == "former" and kinds["Bộ phận một cửa Hải Châu"] == "other"
    again = import_aliases(io.BytesIO(data), "ds.csv", city["manager"])
    assert (len(again.new), again.known, count(db, AgencyAlias)) == (0, 3, 3)


def test_the_cli(runner, db, city, tmp_path):
    path = tmp_path / "ten-khac.csv"
    path.write_bytes(_alias_csv([["Phường Thạch Thang", "Phường Hải Châu", "tên cũ", ""],
                                 ["Phường Thạch Thang", "Phường Thanh Khê", "", ""]]))
    result = runner.invoke(args=["directory", "import-aliases", str(path)])
    assert result.exit_code != 0 and "hai cơ quan" in result.output
    assert "Phường Thạch Thang -> " not in result.output
    assert count(db, AgencyAlias) == 0
    path.write_bytes(_alias_csv([["Phường Thạch Thang", "Phường Hải Châu", "tên cũ", ""]]))
    result = runner.invoke(args=["directory", "import-aliases", str(path)])
    assert result.exit_code == 0, result.output
    assert "Phường Thạch Thang -> Phường Hải Châu (former)" in runner.invoke(
        args=["directory", "aliases"]).output


def test_the_dry_run_offers_add_as_alias_in_one_step(client, db, city, factory, tmp_path):
    """A real export names its ward "UBND phường Hải Châu" (known) and a former ward
    (unknown): the dry run lists it with the closest agency chosen; one click adds the
    alias, audited, and the check runs again with every row good."""
    factory.survey("AL-1", agencies=[city["hai_chau"]])
    factory.field("HT", "Hộ tịch")
    rows = dossiers(4) + dossiers(2, agency="UBND phường Thạch Thang")
    for i, d in enumerate(rows):
        d.code = f"HS-{i}"
    path = one_stop_xlsx(tmp_path / "ds.xlsx", rows)
    login(client, city["manager"].email, PASSWORD)
    resp = client.post("/frames/AL-1/upload", data={
        "csrf_token": csrf_token(client, "/frames/AL-1"),
        "file": (io.BytesIO(path.read_bytes()), "ds.xlsx")}, content_type="multipart/form-data")
    url = resp.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "7-8" in page and 'value="7-8"' in page  # the header rows found, shown
    form = {"csrf_token": csrf_token(client, url), "dry_run": "1", **{
        f"map_{k}": v for k, v in {
            "code": "Mã hồ sơ", "agency": "Cơ quan giải quyết", "field": "Lĩnh vực",
            "received_on": "Ngày Tiếp nhận", "returned_on": "Ngày Trả kết quả",
            "due_on": "Ngày Hẹn trả", "phone": "Số điện thoại", "cid": "Số CCCD"}.items()}}
    page = client.post(url, data=form).get_data(as_text=True)
    assert 'id="unknown-agencies"' in page and "UBND phường Thạch Thang" in page
    assert "bỏ qua 4 dòng tiêu đề" in page.lower()
    alias_form = re.search(r'<form method="post" action="/directory/aliases".*?</form>', page,
                           re.S).group(0)
    fields = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', alias_form))
    assert '<option selected value="">' in alias_form  # no close name: nothing preselected
    resp = client.post("/directory/aliases", data={**fields, "agency_id": ""})
    assert resp.status_code == 302 and count(db, AgencyAlias) == 0  # must choose
    assert fields["name"] == "UBND phường Thạch Thang" and fields["next"].endswith("check=1")
    resp = client.post("/directory/aliases", data={**fields, "agency_id": city["hai_chau"].id,
                                                   "kind": "former"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("check=1")
    alias = db.session.scalar(select(AgencyAlias))
    assert alias.agency_id == city["hai_chau"].id and alias.key == "phuong thach thang"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "directory.alias_add")) == 1
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'id="frame-report"' in page and 'id="unknown-agencies"' not in page
    assert 'id="frame-errors"' not in page and count(db, FrameDossier) == 0


def test_only_managers_add_aliases(client, db, city, factory):
    user = factory.user("enumerator")
    login(client, user.email, PASSWORD)
    resp = client.post("/directory/aliases", data={
        "name": "X", "agency_id": city["hai_chau"].id,
        "csrf_token": csrf_token(client, "/directory/agencies")})
    assert resp.status_code == 403


def test_the_migration_matches_the_model(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(ctx, db.metadata) if "agency_aliases" in str(d)]
    assert diffs == []


def test_down_and_up_again(app, db):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    with app.app_context():
        downgrade(revision="0017")
        db.session.remove()
        assert "agency_aliases" not in inspect(db.engine).get_table_names()
        upgrade()
        db.session.remove()
        assert "agency_aliases" in inspect(db.engine).get_table_names()

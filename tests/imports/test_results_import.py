"""Importing other sources' results: dry run, commit, idempotency per file, record ids that
tell rows apart within their file only, rejects, declared sources, CLI, pages."""

from __future__ import annotations

import io
import json
import time

import pytest
from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.errors import OperationError
from fieldwork.imports.models import ImportedResponse, ImportRun
from fieldwork.imports.operations import import_results
from fieldwork.plans.models import SurveyStatus

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from .helpers import rows_csv, sample_rows
from .test_tabular import big_csv

REASON_C = "Phải liên hệ nhiều lần để hoàn thiện thủ tục hành chính"


@pytest.fixture()
def setup(db, factory):
    """A manager, an enumerator, and survey IMP-1 over Sở Tư pháp, Sở Y tế, Phường Hải Châu."""
    agencies = [factory.agency("Sở Tư pháp"), factory.agency("Sở Y tế"),
                factory.agency("Phường Hải Châu")]
    return {"manager": factory.user("manager"), "lan": factory.user("enumerator"),
            "survey": factory.survey("IMP-1", agencies=agencies), "agencies": agencies}


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def run(setup, data: bytes, **options):
    opts = {"name": "kq.csv", "channel": "online", **options}
    return import_results(setup["survey"], io.BytesIO(data), opts, setup["manager"])


def test_dry_run_changes_nothing(db, setup):
    events = count(db, AuditEvent)
    report = run(setup, rows_csv(sample_rows()), dry_run=True)
    assert (report.read, report.new, report.duplicates, report.rejected) == (5, 5, 0, 0)
    assert not report.committed
    assert count(db, ImportedResponse) == 0 and count(db, ImportRun) == 0
    assert count(db, AuditEvent) == events


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
def test_same_file_twice_adds_nothing(db, setup, encoding):
    data = rows_csv(sample_rows(), encoding=encoding)
    first = run(setup, data)
    db.session.commit()
    assert first.added == 5 and first.committed
    rows = db.session.scalars(select(ImportedResponse).order_by(ImportedResponse.id)).all()
    assert rows[1].reasons == ["b", "dd"] and rows[1].satisfied is False
    assert rows[1].comment == "Chờ lâu" and rows[3].agency.name == "Sở Y tế"
    second = run(setup, data)
    db.session.commit()
    assert (second.read, second.added, second.duplicates) == (5, 0, 5)
    assert count(db, ImportedResponse) == 5
    assert count(db, ImportRun) == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "imports.results")
                              .order_by(AuditEvent.id.desc()))
    assert event.after["duplicates"] == 5 and event.after["sha256"] == first.sha256


def test_record_ids_tell_rows_apart_within_their_file_only(db, setup):
    from fieldwork.stats.statistics import survey_statistics
    # Ids 1-3 in the city's online file and ids 1-3 in the call centre's file: six answers.
    online = [[str(i), "Sở Tư pháp", f"0{i}/03/2026", "1", "", ""] for i in (1, 2, 3)]
    calls = [[str(i), "Sở Y tế", f"0{i}/03/2026", "0", REASON_C, ""]
             for i in (1, 2, 3)]
    first = run(setup, rows_csv(online), source="city_online")
    second = run(setup, rows_csv(calls), source="call_centre")
    assert (first.added, second.added, second.duplicates) == (3, 3, 0)
    assert second.unmatched == 3 and "mã bản ghi" in second.notes[0]  # no dossier codes: said
    stats = survey_statistics(setup["survey"])
    assert stats["sources"]["city_online"]["overall"]["n"] == 3
    assert stats["sources"]["call_centre"]["overall"]["n"] == 3
    assert stats["overall"]["n"] == 0  # neither is the independent survey
    assert stats["duplicates"]["count"] == 0 and stats["overlaps"]["count"] == 0
    rows = db.session.scalars(select(ImportedResponse).order_by(ImportedResponse.id)).all()
    assert [(r.source, r.record_id, r.dossier_code) for r in rows][:4] == [
        ("city_online", "1", None), ("city_online", "2", None), ("city_online", "3", None),
        ("call_centre", "1", None)]
    # Another online file with ids 1-3 holds other answers: kept, the repeat is told.
    later = [[str(i), "Sở Tư pháp", f"1{i}/03/2026", "0", REASON_C, ""]
             for i in (1, 2, 3)]
    third = run(setup, rows_csv(later), source="city_online")
    assert third.added == 3 and third.repeated_ids == 3
    assert any("tệp trước" in n for n in third.notes)
    # The same file again adds nothing.
    assert run(setup, rows_csv(later), source="city_online").added == 0


def test_a_longer_export_with_dossier_codes_counts_each_dossier_once(db, setup):
    from fieldwork.stats.filters import Filter
    from fieldwork.stats.statistics import survey_statistics
    header = ["Mã phiếu", "Cơ quan", "Ngày", "Hài lòng", "Mã hồ sơ"]
    rows = [[f"R{i}", "Sở Tư pháp", f"0{i}/03/2026", "1", f"HS-{i}"] for i in range(1, 6)]
    run(setup, rows_csv(rows[:3], header=header), source="call_centre")
    report = run(setup, rows_csv(rows, header=header), source="call_centre")
    assert (report.added, report.unmatched, report.repeated_ids) == (5, 0, 3)
    calls = survey_statistics(setup["survey"], Filter(source="call_centre"))
    assert calls["overall"]["n"] == 5 and calls["duplicates"]["count"] == 3


def test_sources_are_separate(db, setup):
    run(setup, rows_csv(sample_rows()))
    assert run(setup, rows_csv(sample_rows()), channel="call_centre").added == 5


def test_an_undeclared_source_is_refused_and_a_declared_one_taken(db, setup):
    from fieldwork.stats.operations import declare_source
    before = count(db, AuditEvent)
    with pytest.raises(OperationError, match="sipas_2026"):
        run(setup, rows_csv(sample_rows()), source="sipas_2026")
    with pytest.raises(OperationError, match="khảo sát độc lập"):
        run(setup, rows_csv(sample_rows()), source="independent")
    assert count(db, ImportedResponse) == 0 and count(db, AuditEvent) == before
    for bad in ({"name": "Independent", "label": "x"}, {"name": "x y", "label": "x"},
                {"name": "sipas_2026", "label": " "}):
        with pytest.raises(OperationError):
            declare_source(setup["survey"], bad, setup["manager"])
    declare_source(setup["survey"], {"name": "sipas_2026", "label": "SIPAS 2026",
                                     "owner": "Bộ Nội vụ"}, setup["manager"])
    with pytest.raises(OperationError, match="đã có nguồn"):
        declare_source(setup["survey"], {"name": "sipas_2026", "label": "again"},
                       setup["manager"])
    report = run(setup, rows_csv(sample_rows()), source="sipas_2026")
    assert report.added == 5
    rows = db.session.scalars(select(ImportedResponse)).all()
    assert {(r.source, str(r.channel)) for r in rows} == {("sipas_2026", "imported")}


def test_rejected_rows_stop_the_file_unless_skipped(db, setup):
    bad = sample_rows() + [["TD-9", "Sở Tư pháp", "32/03/2026", "1", "", ""],
                           ["TD-10", "Sở Ma", "01/03/2026", "1", "", ""]]
    report = run(setup, rows_csv(bad))
    assert not report.committed and report.rejected == 2
    assert [e[:2] for e in report.errors] == [(7, "date"), (8, "agency")]
    assert count(db, ImportedResponse) == 0 and count(db, ImportRun) == 0
    report = run(setup, rows_csv(bad), skip_invalid=True)
    assert report.committed and report.added == 5 and report.rejected == 2
    assert report.run.rows_rejected == 2


@pytest.mark.parametrize(("data", "why"), [
    (rows_csv(sample_rows(), header=["A", "B", "C", "D", "E", "F"]), "agency"),
    (b"", "empty"),
    (b"\x00\x01\x02binary", "CSV"),
])
def test_bad_files_change_nothing(db, setup, data, why, app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        with pytest.raises(OperationError):
            run(setup, data)
    assert count(db, ImportedResponse) == 0 and count(db, ImportRun) == 0


def test_wrong_source_closed_survey_and_role(db, setup):
    with pytest.raises(OperationError):
        run(setup, rows_csv(sample_rows()), channel="kiosk")
    with pytest.raises(OperationError):
        import_results(setup["survey"], io.BytesIO(rows_csv(sample_rows())),
                       {"channel": "online"}, setup["lan"])
    setup["survey"].status = SurveyStatus.CLOSED
    with pytest.raises(OperationError):
        run(setup, rows_csv(sample_rows()))
    assert count(db, ImportedResponse) == 0


def test_100k_rows_import_and_reimport(db, setup):
    data = big_csv(100_000)
    start = time.perf_counter()
    report = run(setup, data, channel="call_centre")
    first = time.perf_counter() - start
    assert report.added == 100_000
    start = time.perf_counter()
    again = run(setup, data, channel="call_centre")
    assert again.added == 0 and again.duplicates == 100_000
    assert first < 120 and time.perf_counter() - start < 120


def test_cli(runner, db, setup, tmp_path):
    path = tmp_path / "kq.csv"
    path.write_bytes(rows_csv(sample_rows(), encoding="cp1258"))
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"agency": "Cơ quan", "date": "Ngày",
                                   "satisfied": "Hài lòng", "reasons": "Lý do"}))
    out = runner.invoke(args=["import-results", "IMP-1", str(path), "--channel", "online",
                              "--mapping", str(mapping), "--dry-run"])
    assert out.exit_code == 0, out.output
    assert "rows read: 5" in out.output and "would add: 5" in out.output
    assert count(db, ImportedResponse) == 0
    out = runner.invoke(args=["import-results", "IMP-1", str(path), "--channel", "online"])
    assert out.exit_code == 0 and "added: 5" in out.output
    out = runner.invoke(args=["import-results", "IMP-1", str(path), "--channel", "online"])
    assert "added: 0" in out.output and "skipped as duplicates: 5" in out.output
    path.write_bytes(rows_csv([["X", "Sở Tư pháp", "hôm qua", "1", "", ""]]))
    out = runner.invoke(args=["import-results", "IMP-1", str(path), "--channel", "online"])
    assert out.exit_code == 1 and "row 2, date" in out.output and "nothing imported" in out.output
    mapping.write_text("[1]")
    out = runner.invoke(args=["import-results", "IMP-1", str(path), "--channel", "online",
                              "--mapping", str(mapping)])
    assert out.exit_code == 1 and "mapping" in out.output
    out = runner.invoke(args=["import-results", "NOPE", str(path), "--channel", "online"])
    assert out.exit_code == 1 and "unknown survey" in out.output


def test_web_flow_upload_map_dry_run_commit(client, db, setup):
    login(client, setup["manager"].email, PASSWORD)
    token = csrf_token(client, "/imports/")
    resp = client.post("/imports/", data={
        "survey": setup["survey"].id, "source": "call_centre",
        "csrf_token": token, "submit": "1",
        "file": (io.BytesIO(rows_csv(sample_rows() + [
            ["Z", "Sở Ma", "1/3/2026", "1", "", ""]])), "tongdai.csv")},
        content_type="multipart/form-data")
    assert resp.status_code == 302
    url = resp.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert '<option selected value="Cơ quan">' in page  # guessed mapping
    form = {"csrf_token": csrf_token(client, url), "map_agency": "Cơ quan", "map_date": "Ngày",
            "map_satisfied": "Hài lòng", "map_reasons": "Lý do", "map_record_id": "Mã phiếu"}
    page = client.post(url, data={**form, "dry_run": "1"}).get_data(as_text=True)
    assert "Sở Ma" in page and count(db, ImportedResponse) == 0
    page = client.post(url, data={**form, "commit": "1"}).get_data(as_text=True)
    assert count(db, ImportedResponse) == 0  # one bad row stops the file
    resp = client.post(url, data={**form, "commit": "1", "skip_invalid": "y"})
    assert resp.status_code == 302 and "/imports/runs/" in resp.headers["Location"]
    assert count(db, ImportedResponse) == 5
    assert client.get(url).status_code == 404  # the upload is gone once imported
    assert "tongdai.csv" in client.get("/imports/").get_data(as_text=True)


def test_enumerators_cannot_import(client, db, setup):
    login(client, setup["lan"].email, PASSWORD)
    assert client.get("/imports/").status_code == 403


def test_declaring_a_source_on_the_page(client, db, setup):
    from fieldwork.stats.models import SurveySource
    login(client, setup["manager"].email, PASSWORD)
    token = csrf_token(client, "/imports/")
    form = {"source-csrf_token": token, "source-survey": setup["survey"].id,
            "source-name": "sipas_2026", "source-label": "Khảo sát SIPAS 2026",
            "source-owner": "Bộ Nội vụ", "source-declare": "1"}
    resp = client.post("/imports/sources", data=form)
    assert resp.status_code == 302
    row = db.session.scalar(select(SurveySource))
    assert (row.name, row.label, row.owner) == ("sipas_2026", "Khảo sát SIPAS 2026", "Bộ Nội vụ")
    page = client.get("/imports/").get_data(as_text=True)
    assert 'id="declared-sources"' in page and "Khảo sát SIPAS 2026 (sipas_2026)" in page
    resp = client.post("/imports/sources", data={**form, "source-name": "independent"},
                       follow_redirects=True)
    assert "built-in" in resp.get_data(as_text=True) or "có sẵn" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SurveySource)) == 1


def test_an_upload_belongs_to_its_uploader(client, db, setup, factory):
    login(client, setup["manager"].email, PASSWORD)
    token = csrf_token(client, "/imports/")
    resp = client.post("/imports/", data={
        "survey": setup["survey"].id, "source": "city_online", "csrf_token": token,
        "submit": "1",
        "file": (io.BytesIO(rows_csv(sample_rows())), "kq.csv")},
        content_type="multipart/form-data")
    url = resp.headers["Location"]
    other = factory.user("manager")
    client._cookies.clear()
    login(client, other.email, PASSWORD)
    assert client.get(url).status_code == 403
    assert client.get("/imports/upload/not-a-token").status_code == 404
    assert client.get("/imports/upload/" + "a" * 22).status_code == 404


def test_an_unreadable_upload_is_refused_with_a_message(client, db, setup):
    login(client, setup["manager"].email, PASSWORD)
    token = csrf_token(client, "/imports/")
    resp = client.post("/imports/", data={
        "survey": setup["survey"].id, "source": "city_online", "csrf_token": token,
        "submit": "1",
        "file": (io.BytesIO(b"PK\x03\x04 broken"), "kq.xlsx")},
        content_type="multipart/form-data", follow_redirects=True)
    assert resp.status_code == 200 and "XLSX" in resp.get_data(as_text=True)
    assert count(db, ImportRun) == 0


def test_abandoned_uploads_are_swept(app, db):
    import os

    from fieldwork.imports.uploads import KEEP_SECONDS, load_upload, save_upload

    old = save_upload(io.BytesIO(b"a,b\n"), {"user_id": 1})
    found = load_upload(old)
    assert found is not None
    stale = time.time() - KEEP_SECONDS - 60
    for path in (found[0], found[0].with_suffix(".json")):
        os.utime(path, (stale, stale))
    fresh = save_upload(io.BytesIO(b"a,b\n"), {"user_id": 1})
    assert load_upload(old) is None and load_upload(fresh) is not None


def test_a_record_id_repeated_in_the_file_is_a_duplicate(db, setup):
    rows = sample_rows() + [["TD-1", "Sở Tư pháp", "05/03/2026", "Hài lòng", "", ""]]
    report = run(setup, rows_csv(rows))
    assert (report.read, report.added, report.duplicates) == (6, 5, 1)

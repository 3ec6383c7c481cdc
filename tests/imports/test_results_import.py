"""Importing online / call-centre results: dry run, commit, idempotency, rejects, CLI, pages."""

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


def test_a_longer_export_adds_only_the_new_rows(db, setup):
    run(setup, rows_csv(sample_rows()[:3]))
    report = run(setup, rows_csv(sample_rows()))
    assert (report.added, report.duplicates) == (2, 3)


def test_channels_are_separate(db, setup):
    run(setup, rows_csv(sample_rows()))
    assert run(setup, rows_csv(sample_rows()), channel="call_centre").added == 5


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


def test_wrong_channel_closed_survey_and_role(db, setup):
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
        "survey": setup["survey"].id, "channel": "call_centre", "csrf_token": token,
        "file": (io.BytesIO(rows_csv(sample_rows() + [["Z", "Sở Ma", "1/3/2026", "1", "", ""]])),
                 "tongdai.csv")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    url = resp.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert '<option selected value="Cơ quan">' in page  # guessed mapping
    form = {"csrf_token": csrf_token(client, url), "map_agency": "Cơ quan", "map_date": "Ngày",
            "map_satisfied": "Hài lòng", "map_reasons": "Lý do", "map_source_id": "Mã phiếu"}
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


def test_counts_for_combined_reporting(db, setup):
    from fieldwork.imports.api import reason_counts, satisfaction_counts

    run(setup, rows_csv(sample_rows()))
    run(setup, rows_csv(sample_rows()[:2]), channel="call_centre")
    tuphap, yte = setup["agencies"][0].id, setup["agencies"][1].id
    counts = satisfaction_counts(setup["survey"].id)
    assert counts == {(tuphap, "online"): (2, 3), (yte, "online"): (1, 2),
                      (tuphap, "call_centre"): (1, 2)}
    assert satisfaction_counts(setup["survey"].id, ["call_centre"]) == {
        (tuphap, "call_centre"): (1, 2)}
    assert reason_counts(setup["survey"].id) == {"b": 2, "dd": 2, "c": 1}
    assert reason_counts(setup["survey"].id, "online") == {"b": 1, "dd": 1, "c": 1}


def test_an_upload_belongs_to_its_uploader(client, db, setup, factory):
    login(client, setup["manager"].email, PASSWORD)
    token = csrf_token(client, "/imports/")
    resp = client.post("/imports/", data={
        "survey": setup["survey"].id, "channel": "online", "csrf_token": token,
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
        "survey": setup["survey"].id, "channel": "online", "csrf_token": token,
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

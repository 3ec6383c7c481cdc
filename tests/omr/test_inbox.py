"""Watched inboxes: files taken when finished, read once, filed in done/ or rejected/."""

from __future__ import annotations

import os
import shutil

from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.omr.inbox import operations as inbox_ops
from fieldwork.omr.inbox.folder import Folder
from fieldwork.omr.inbox.models import FileState, InboxFile, InboxState
from fieldwork.omr.inbox.watch import Watcher
from fieldwork.omr.models import PageStatus, ScanBatch, ScanPage

from .conftest import batch_scans
from .inbox_files import blank_back, grey, pdf, tiff


class Clock:
    """A watcher's clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _inbox(survey, people, folder, **values):
    data = {"path": str(folder), "survey": survey, "operator": people["scanner"],
            "settle_seconds": 0, "give_up_seconds": 60, **values}
    inbox = inbox_ops.create_inbox(data, people["manager"], web=False)
    return inbox


def _rows(db, inbox):
    return {r.name: r for r in db.session.scalars(select(InboxFile).where(
        InboxFile.inbox_id == inbox.id))}


def test_files_written_into_an_inbox_are_read_and_filed(db, printed, survey, people,
                                                        tmp_path):
    folder = tmp_path / "inbox"
    inbox = _inbox(survey, people, folder)
    db.session.commit()
    s1, s2 = batch_scans(printed, only={"00000001"}), batch_scans(printed, only={"00000002"})
    # A feeder's duplex TIFF of sheet 1 (front, blank back, front, blank back), a scanner's
    # PDF of sheet 2, a note someone left, all under scanner-made names.
    fronts = [grey(s) for s in s1]
    (folder / "SCAN_20261206_081502_0001.tif").write_bytes(tiff(
        [fronts[0], blank_back(fronts[0].shape, 1), fronts[1], blank_back(fronts[1].shape, 2)]))
    (folder / "SCAN_20261206_081530_0002.pdf").write_bytes(pdf([grey(s) for s in s2]))
    (folder / "ghi-chu.txt").write_text("Hôm nay máy quét số 2 bị kẹt giấy hai lần, đã quét "
                                        "lại các phiếu bị kẹt.", encoding="utf-8")
    counts = Watcher(clock=Clock()).visit_all()
    assert (counts["taken"], counts["refused"]) == (2, 1)

    rows = _rows(db, inbox)
    tif, doc, note = (rows["SCAN_20261206_081502_0001.tif"],
                      rows["SCAN_20261206_081530_0002.pdf"], rows["ghi-chu.txt"])
    assert (tif.state, doc.state) == (FileState.DONE, FileState.DONE)
    assert (note.state, note.reason) == (FileState.REJECTED, "unsupported_type")
    assert tif.batch.note.endswith("SCAN_20261206_081502_0001.tif")  # the scanner's name kept
    assert tif.batch.files[0].name == "SCAN_20261206_081502_0001.tif"
    assert tif.modified_at is not None and tif.sha256
    assert tif.batch.created_by_id == people["scanner"].id
    pages = db.session.scalars(select(ScanPage).where(ScanPage.batch_id == tif.batch_id)
                               .order_by(ScanPage.index)).all()
    # Duplex blank backs are skipped, not rejected.
    assert [p.status for p in pages] == [PageStatus.READ, PageStatus.BLANK] * 2
    assert [p.status for p in db.session.scalars(select(ScanPage).where(
        ScanPage.batch_id == doc.batch_id))] == [PageStatus.READ] * 2

    # The folder: the scans in done/, the note in rejected/ with its reason file beside it.
    assert sorted(p.name for p in (folder / "done").iterdir()) == [
        "SCAN_20261206_081502_0001.tif", "SCAN_20261206_081530_0002.pdf"]
    assert sorted(p.name for p in (folder / "rejected").iterdir()) == [
        "ghi-chu.txt", "ghi-chu.txt.reason.txt"]
    reason = (folder / "rejected" / "ghi-chu.txt.reason.txt").read_text(encoding="utf-8")
    assert "[unsupported_type]" in reason
    assert not [p for p in folder.iterdir() if p.is_file()]
    assert not list((folder / ".fieldwork" / "claimed").iterdir())
    assert (tif.moved_to, note.moved_to) == ("done/SCAN_20261206_081502_0001.tif",
                                            "rejected/ghi-chu.txt")
    db.session.refresh(inbox)
    assert inbox.state == InboxState.WATCHING and inbox.waiting == 3  # as last seen
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"scan.inbox", "scan.inbox.taken", "scan.inbox.done", "scan.inbox.rejected",
            "scan.inbox.watching"} <= actions


def test_the_same_file_dropped_twice_is_read_once(db, printed, survey, people, tmp_path):
    folder = tmp_path / "inbox"
    inbox = _inbox(survey, people, folder)
    db.session.commit()
    data = batch_scans(printed, only={"00000003"})[0].data
    (folder / "0001.jpg").write_bytes(data)
    watcher = Watcher(clock=Clock())
    watcher.visit_all()
    (folder / "0001.jpg").write_bytes(data)  # the operator drops it again
    (folder / "copy of 0001.jpg").write_bytes(data)
    counts = watcher.visit_all()
    assert counts["taken"] == 2
    rows = db.session.scalars(select(InboxFile).where(InboxFile.inbox_id == inbox.id)
                              .order_by(InboxFile.id)).all()
    assert [r.state for r in rows] == [FileState.DONE, FileState.DUPLICATE, FileState.DUPLICATE]
    assert {r.earlier_batch_id for r in rows[1:]} == {rows[0].batch_id}
    assert db.session.scalar(select(func.count()).select_from(ScanBatch)) == 1
    assert db.session.scalar(select(func.count()).select_from(ScanPage)) == 1
    assert sorted(p.name for p in (folder / "rejected").iterdir()) == [
        "0001.jpg", "0001.jpg.reason.txt", "copy of 0001.jpg", "copy of 0001.jpg.reason.txt"]
    assert "[duplicate_file]" in (folder / "rejected" / "0001.jpg.reason.txt").read_text()


def test_a_half_written_file_waits_and_is_read_once_whole(db, printed, survey, people,
                                                          tmp_path):
    folder = tmp_path / "inbox"
    inbox = _inbox(survey, people, folder, settle_seconds=5, give_up_seconds=60)
    db.session.commit()
    whole = tiff([grey(s) for s in batch_scans(printed, only={"00000001"})])
    clock = Clock()
    watcher = Watcher(clock=clock)
    target = folder / "feeder-0007.tif"
    target.write_bytes(whole[:len(whole) // 2])  # the scanner is still writing
    for step in (0, 6, 30):  # quiet for longer than settle_seconds: still not whole
        clock.now += step
        counts = watcher.visit_all()
        assert counts["taken"] == counts["refused"] == 0 and counts["waiting"] == 1
    assert target.exists() and not _rows(db, inbox)
    with open(target, "ab") as fh:  # the scanner finishes the file
        fh.write(whole[len(whole) // 2:])
    clock.now += 1
    assert watcher.visit_all()["taken"] == 0  # it changed: the quiet time starts again
    clock.now += 5
    assert watcher.visit_all()["taken"] == 1
    row = _rows(db, inbox)["feeder-0007.tif"]
    assert row.state == FileState.DONE and row.size == len(whole)
    assert db.session.scalars(select(ScanPage.status).where(
        ScanPage.batch_id == row.batch_id)).all() == [PageStatus.READ, PageStatus.READ]


def test_a_file_that_is_never_finished_is_rejected_after_the_wait(db, survey, people,
                                                                   tmp_path):
    folder = tmp_path / "inbox"
    inbox = _inbox(survey, people, folder, settle_seconds=2, give_up_seconds=30)
    db.session.commit()
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"1 0 obj << >> endobj\n" * 20)
    clock = Clock()
    watcher = Watcher(clock=clock)
    for step in (0, 3, 20):
        clock.now += step
        assert watcher.visit_all()["refused"] == 0
    clock.now += 10
    assert watcher.visit_all()["refused"] == 1
    row = _rows(db, inbox)["broken.pdf"]
    assert (row.state, row.reason, row.batch_id) == (FileState.REJECTED, "incomplete_file",
                                                     None)
    assert "[incomplete_file]" in (folder / "rejected" / "broken.pdf.reason.txt").read_text()


def test_an_inbox_whose_folder_disappears_says_so_and_recovers(db, printed, survey, people,
                                                                tmp_path):
    folder = tmp_path / "share" / "inbox"
    inbox = _inbox(survey, people, folder)
    db.session.commit()
    watcher = Watcher(clock=Clock())
    watcher.visit_all()
    db.session.refresh(inbox)
    assert inbox.state == InboxState.WATCHING
    shutil.move(folder, tmp_path / "elsewhere")  # the share is unmounted
    counts = watcher.visit_all()
    db.session.refresh(inbox)
    assert counts["unreachable"] == 1
    assert inbox.state == InboxState.UNREACHABLE and "does not exist" in inbox.state_detail
    folder.mkdir()  # the empty mount point: not taken for an empty inbox
    (folder / "stray.jpg").write_bytes(batch_scans(printed, only={"00000001"})[0].data)
    watcher.visit_all()
    db.session.refresh(inbox)
    assert inbox.state == InboxState.UNREACHABLE and "marker" in inbox.state_detail
    assert inbox.problem.startswith("Thư mục không có dấu nhận diện")
    assert (folder / "stray.jpg").exists() and not _rows(db, inbox)
    (folder / "stray.jpg").unlink()
    folder.rmdir()
    shutil.move(tmp_path / "elsewhere", folder)  # mounted again
    watcher.visit_all()
    db.session.refresh(inbox)
    assert inbox.state == InboxState.WATCHING and inbox.state_detail == ""
    changes = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("scan.inbox.%")).order_by(AuditEvent.id)).all()
    assert changes == ["scan.inbox.watching", "scan.inbox.unreachable",
                       "scan.inbox.unreachable", "scan.inbox.watching"]


def test_a_claim_whose_watcher_died_before_recording_it_goes_back(db, survey, people,
                                                                  tmp_path):
    folder = tmp_path / "inbox"
    _inbox(survey, people, folder)
    db.session.commit()
    f = Folder(folder)
    (folder / "a.jpg").write_bytes(b"\xff\xd8\xff" + b"\0" * 100)
    claimed = f.claim("a.jpg", "0000000000001-deadbeefdeadbeef")  # claimed in 1970
    assert claimed is not None and not (folder / "a.jpg").exists()
    assert f.claim("a.jpg", "0000000000002-feedfeedfeedfeed") is None  # a second watcher
    Watcher(clock=Clock()).put_back(db.session.scalars(select(
        inbox_ops.ScanInbox)).one(), f)
    assert (folder / "a.jpg").exists() and not claimed.exists()


def test_set_up_refuses_the_data_folder_and_bad_operators(app, db, survey, people, tmp_path):
    import pytest

    from fieldwork.errors import OperationError

    with pytest.raises(OperationError, match="thư mục dữ liệu"):
        _inbox(survey, people, app.config["FIELDWORK_DATA_DIR"])
    with pytest.raises(OperationError, match="Người vận hành"):
        _inbox(survey, people, tmp_path / "x", operator=people["enumerator"])
    with pytest.raises(OperationError, match="FIELDWORK_INBOX_ROOTS"):
        inbox_ops.create_inbox({"path": str(tmp_path / "y"), "survey": survey,
                                "operator": people["scanner"]}, people["manager"], web=True)
    assert os.path.isdir(tmp_path / "x") is False


def test_fieldwork_scan_watch_sets_up_an_inbox_and_reads_it(db, runner, printed, people,
                                                            tmp_path):
    folder = tmp_path / "scanner-share"
    folder.mkdir()
    sample = batch_scans(printed, only={"00000002"})[1]
    (folder / f"IMG_0042.{sample.ext}").write_bytes(sample.data)
    args = ["scan", "--watch", str(folder), "--survey", "SCAN-1", "--as-user",
            people["scanner"].email, "--settle", "0", "--until-idle"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "1 file(s) taken, 0 refused" in result.output
    row = db.session.scalars(select(InboxFile)).one()
    assert row.state == FileState.DONE and row.name == f"IMG_0042.{sample.ext}"
    assert row.inbox.operator_id == people["scanner"].id and row.inbox.settle_seconds == 0
    assert (folder / "done" / f"IMG_0042.{sample.ext}").exists()
    again = runner.invoke(args=["scan", "--watch", str(folder), "--once"])  # set up already
    assert again.exit_code == 0 and "0 file(s) taken" in again.output
    bad = runner.invoke(args=["scan", "--watch", str(tmp_path / "new"), "--survey", "SCAN-1"])
    assert bad.exit_code != 0 and "--as-user" in bad.output
    assert not (tmp_path / "new").exists()


def test_the_station_page_sets_up_an_inbox_and_shows_what_the_watcher_found(
        app, client, db, printed, survey, people, tmp_path, monkeypatch):
    from ..conftest import csrf_token, login
    from ..factories import PASSWORD

    monkeypatch.setitem(app.config, "INBOX_ROOTS", str(tmp_path / "roots"))
    assert login(client, people["manager"].email, PASSWORD).status_code == 302
    token = csrf_token(client, "/scans/inboxes")
    form = {"csrf_token": token, "name": "Máy quét tầng 2", "survey": str(survey.id),
            "operator": str(people["scanner"].id), "settle_seconds": "0",
            "give_up_seconds": "60"}
    refused = client.post("/scans/inboxes", data={**form, "path": str(tmp_path / "outside")})
    assert refused.status_code == 200 and "FIELDWORK_INBOX_ROOTS" in refused.text
    made = client.post("/scans/inboxes", data={**form, "path": "phuong-3"})
    assert made.status_code == 302
    inbox = db.session.scalars(select(inbox_ops.ScanInbox)).one()
    assert inbox.path == str((tmp_path / "roots" / "phuong-3").resolve())
    folder = tmp_path / "roots" / "phuong-3"
    assert (folder / ".fieldwork" / "inbox").exists() and (folder / "done").is_dir()

    (folder / "SCAN_0001.jpg").write_bytes(batch_scans(printed, only={"00000001"})[0].data)
    (folder / "hoa-don.txt").write_text("không phải bản quét " * 10, encoding="utf-8")
    Watcher(clock=Clock()).visit_all()
    page = client.get("/scans/inboxes").text
    assert "Máy quét tầng 2" in page and "SCAN_0001.jpg" in page and "done/SCAN_0001.jpg" in page
    assert "rejected/hoa-don.txt" in page and "Không phải tệp PDF, TIFF, PNG hoặc JPEG" in page
    row = _rows(db, inbox)["SCAN_0001.jpg"]
    assert f'href="/scans/{row.batch_id}"' in page
    assert "SCAN_0001.jpg" in client.get("/scans/").text  # the batch list names the file

    shutil.rmtree(folder)  # the share goes away
    Watcher(clock=Clock()).visit_all()
    station = client.get("/scans/").text
    assert "Không truy cập được thư mục" in station and "ổ mạng chưa được gắn" in station
    scanner = client.application.test_client()
    assert login(scanner, people["scanner"].email, PASSWORD).status_code == 302
    seen = scanner.get("/scans/inboxes")
    assert seen.status_code == 200 and "Không truy cập được thư mục" in seen.text
    assert "omr-inbox-form" not in seen.text  # only managers set inboxes up
    assert scanner.post(f"/scans/inboxes/{inbox.id}/active",
                        data={"csrf_token": csrf_token(scanner, "/scans/inboxes")}
                        ).status_code == 403
    assert client.post(f"/scans/inboxes/{inbox.id}/active",
                       data={"csrf_token": token}).status_code == 302
    db.session.refresh(inbox)
    assert inbox.active is False

"""The demo scans printed batches of DEMO-2026 so the station and the queue have content."""

from __future__ import annotations

from sqlalchemy import func, select

from fieldwork.omr.models import (
    ItemStatus,
    PageStatus,
    ScanAnswer,
    ScanPage,
    ScanSheet,
    VerificationItem,
)


def test_demo_reads_its_batches_with_a_duplicate_and_doubts(demo_year, db):
    from fieldwork.forms.models import PrintBatch, PrintedSheet

    pages = db.session.scalars(select(ScanPage)).all()
    status = [p.status for p in pages]
    # Ten generic sheets, one page fed twice, the eleventh sheet (keyed at the office before
    # it was scanned: entry's conflict demo), and nine personalised sheets back of ten.
    assert status.count(PageStatus.READ) == 20 and status.count(PageStatus.DUPLICATE) == 1
    assert PageStatus.REJECTED not in status
    sheets = {s.serial: s for s in db.session.scalars(select(ScanSheet))}
    assert len(sheets) == 20 and {s.status.value for s in sheets.values()} <= {
        "complete", "to_verify"}
    assert db.session.scalar(select(func.count(VerificationItem.id)).where(
        VerificationItem.status == ItemStatus.PENDING)) >= 1
    # The generic sheets carry phone numbers (kept encrypted: eleven sheets, one fed twice);
    # the personalised ones do not.
    assert db.session.scalar(select(func.count(ScanAnswer.id)).where(
        ScanAnswer.question == "phone", ScanAnswer.secret.is_not(None))) == 12
    printed = db.session.scalars(select(PrintedSheet)).all()
    assert len(printed) == 10 and {p.agency.name for p in printed} == {"Sở Tư pháp"}
    assert sum(p.returned_at is not None for p in printed) == 9
    assert all(b.agency_id is not None for b in db.session.scalars(select(PrintBatch))
               if not b.personal)

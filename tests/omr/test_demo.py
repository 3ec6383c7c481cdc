"""The demo scans a printed batch of DEMO-2026 so the station and the queue have content."""

from __future__ import annotations

from sqlalchemy import func, select

from fieldwork.omr.models import ItemStatus, PageStatus, ScanPage, ScanSheet, VerificationItem


def test_demo_reads_a_batch_with_a_duplicate_a_missing_page_and_doubts(demo_year, db):
    pages = db.session.scalars(select(ScanPage)).all()
    status = [p.status for p in pages]
    # Ten sheets less one page still out, one page fed twice, and the two pages of the
    # eleventh sheet (keyed at the office before it was scanned: entry's conflict demo).
    assert status.count(PageStatus.READ) == 21 and status.count(PageStatus.DUPLICATE) == 1
    assert PageStatus.REJECTED not in status
    sheets = {s.serial: s for s in db.session.scalars(select(ScanSheet))}
    last = max(sheets)
    assert len(sheets) == 11 and sheets[last - 1].status.value == "incomplete"
    assert sheets[last].status.value == "complete"
    assert db.session.scalar(select(func.count(VerificationItem.id)).where(
        VerificationItem.status == ItemStatus.PENDING)) >= 1

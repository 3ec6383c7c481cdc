"""Sheets: which printed sheets are fully read and verified, hence countable in statistics."""

from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from .models import (
    ItemStatus,
    PageStatus,
    ScanAnswer,
    ScanPage,
    ScanSheet,
    SheetStatus,
    VerificationItem,
)


def refresh_sheet(survey_id: int, serial: int, pages_expected: int) -> ScanSheet:
    """Recount a sheet's read pages and open doubts and set its status."""
    sheet = db.session.scalar(select(ScanSheet).where(ScanSheet.survey_id == survey_id,
                                                      ScanSheet.serial == serial))
    if sheet is None:
        sheet = ScanSheet(survey_id=survey_id, serial=serial)
        db.session.add(sheet)
    sheet.pages_expected = max(1, int(pages_expected))
    sheet.pages_read = db.session.scalar(select(func.count(func.distinct(ScanPage.page_no))).where(
        ScanPage.survey_id == survey_id, ScanPage.serial == serial,
        ScanPage.status == PageStatus.READ)) or 0
    sheet.pending = db.session.scalar(select(func.count(VerificationItem.id)).join(
        ScanAnswer, ScanAnswer.id == VerificationItem.answer_id).join(
        ScanPage, ScanPage.id == ScanAnswer.page_id).where(
        ScanPage.survey_id == survey_id, ScanPage.serial == serial,
        ScanPage.status == PageStatus.READ,
        VerificationItem.status == ItemStatus.PENDING)) or 0
    if sheet.pages_read < sheet.pages_expected:
        sheet.status = SheetStatus.INCOMPLETE
    elif sheet.pending:
        sheet.status = SheetStatus.TO_VERIFY
    else:
        sheet.status = SheetStatus.COMPLETE
    db.session.flush()
    return sheet


def missing_pages(sheet: ScanSheet) -> list[int]:
    """Page numbers of a sheet that no counted scan has read yet."""
    have = set(db.session.scalars(select(ScanPage.page_no).where(
        ScanPage.survey_id == sheet.survey_id, ScanPage.serial == sheet.serial,
        ScanPage.status == PageStatus.READ)))
    return [n for n in range(1, sheet.pages_expected + 1) if n not in have]


def countable_answers(survey_id: int) -> dict[int, dict[str, ScanAnswer]]:
    """Answers of countable sheets only, by serial then question: what statistics may use."""
    rows = db.session.execute(select(ScanPage.serial, ScanAnswer).join(
        ScanAnswer, ScanAnswer.page_id == ScanPage.id).join(
        ScanSheet, (ScanSheet.survey_id == ScanPage.survey_id)
        & (ScanSheet.serial == ScanPage.serial)).where(
        ScanPage.survey_id == survey_id, ScanPage.status == PageStatus.READ,
        ScanSheet.status == SheetStatus.COMPLETE)).all()
    out: dict[int, dict[str, ScanAnswer]] = {}
    for serial, answer in rows:
        out.setdefault(serial, {})[answer.question] = answer
    return out


def sheet_counts(survey_id: int | None = None) -> dict[str, int]:
    """Number of sheets by status (all surveys, or one)."""
    q = select(ScanSheet.status, func.count()).group_by(ScanSheet.status)
    if survey_id is not None:
        q = q.where(ScanSheet.survey_id == survey_id)
    counts = {s.value: 0 for s in SheetStatus}
    for status, n in db.session.execute(q):
        counts[str(getattr(status, "value", status))] = n
    return counts


def batch_sheets(batch_id: int) -> list[ScanSheet]:
    """The sheets that pages of a batch were counted for, by serial."""
    keys = db.session.execute(select(ScanPage.survey_id, ScanPage.serial).where(
        ScanPage.batch_id == batch_id, ScanPage.status == PageStatus.READ).distinct()).all()
    if not keys:
        return []
    sheets = db.session.scalars(select(ScanSheet).where(
        ScanSheet.survey_id.in_({k[0] for k in keys}),
        ScanSheet.serial.in_({k[1] for k in keys}))).all()
    wanted = set(keys)
    return sorted((s for s in sheets if (s.survey_id, s.serial) in wanted),
                  key=lambda s: (s.survey_id, s.serial))

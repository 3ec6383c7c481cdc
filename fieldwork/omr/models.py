"""Scan batches, their files and pages, the answers read, sheets, and the verification queue.

A sheet page (survey, serial, page) has at most one *counted* reading: the
scanned page with status ``read``.  A second scan of the same page is kept as a
``duplicate`` and never counted; an operator may make it the counted one (the
earlier one becomes ``replaced``), and that decision is audited.
"""

from __future__ import annotations

import enum
import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.roles import RoleName
from ..directory.models import enum_column
from ..extensions import db
from ..timeutil import utcnow

UPLOADERS = (RoleName.MANAGER, RoleName.SCANNER)
VERIFIERS = (RoleName.MANAGER, RoleName.SCANNER, RoleName.ENUMERATOR)


class BatchStatus(enum.StrEnum):
    """Where a scan batch is in its processing."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class PageStatus(enum.StrEnum):
    """What became of one scanned page."""

    READ = "read"  # counted reading of its sheet page
    DUPLICATE = "duplicate"  # the same sheet page was already read: kept, not counted
    REJECTED = "rejected"  # could not or must not be read: kept with its reason
    REPLACED = "replaced"  # was read, then an operator preferred a re-scan
    BLANK = "blank"  # nothing on it (the back of a one-sided form): skipped, kept as a preview


class ItemStatus(enum.StrEnum):
    """A verification item waits for a person, is decided, or is void (page replaced)."""

    PENDING = "pending"
    DECIDED = "decided"
    VOID = "void"


class SheetStatus(enum.StrEnum):
    """A sheet counts in statistics only when every page is read and verified."""

    INCOMPLETE = "incomplete"
    TO_VERIFY = "to_verify"
    COMPLETE = "complete"


BATCH_STATUS_LABELS = {
    BatchStatus.QUEUED: _l("Queued"), BatchStatus.RUNNING: _l("Reading"),
    BatchStatus.DONE: _l("Done"), BatchStatus.FAILED: _l("Failed"),
}
PAGE_STATUS_LABELS = {
    PageStatus.READ: _l("Read"), PageStatus.DUPLICATE: _l("Duplicate"),
    PageStatus.REJECTED: _l("Rejected"), PageStatus.REPLACED: _l("Replaced by a re-scan"),
    PageStatus.BLANK: _l("Blank back, skipped"),
}
SHEET_STATUS_LABELS = {
    SheetStatus.INCOMPLETE: _l("Pages missing"), SheetStatus.TO_VERIFY: _l("To verify"),
    SheetStatus.COMPLETE: _l("Complete"),
}


class ScanBatch(db.Model):
    """One upload (or one ``fieldwork scan`` run) of scanned files."""

    __tablename__ = "scan_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                                  nullable=True, index=True)
    pilot: Mapped[bool] = mapped_column(Boolean, default=False)
    # The agency whose sheets this upload holds, when the operator says so: a sheet printed
    # for another agency is then refused rather than counted for the wrong one.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    source: Mapped[str] = mapped_column(String(20), default="upload")
    status: Mapped[BatchStatus] = mapped_column(enum_column(BatchStatus),
                                                default=BatchStatus.QUEUED)
    note: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    survey = relationship("Survey")
    agency = relationship("Agency")
    created_by = relationship("User")
    files: Mapped[list[ScanFile]] = relationship(back_populates="batch", order_by="ScanFile.id",
                                                 cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        """Status in the user's language."""
        return str(BATCH_STATUS_LABELS[self.status])

    @property
    def failure(self) -> tuple[str, str]:
        """Why the batch failed: a reason code (``reasons.REASONS``) and the technical detail,
        from ``error`` written as "[code] detail" (a bare error reads as reading_failed)."""
        found = re.match(r"\[(\w+)\]\s*", self.error or "")
        if found:
            return found.group(1), (self.error or "")[found.end():]
        return "reading_failed", self.error or ""

    def can_view(self, user) -> bool:
        """Scanning operators and the manager see batches."""
        return user.has_role(*UPLOADERS)


class ScanFile(db.Model):
    """An uploaded file, stored unchanged under the data directory."""

    __tablename__ = "scan_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("scan_batches.id", ondelete="CASCADE"),
                                          index=True)
    name: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(String(500))  # relative to FIELDWORK_DATA_DIR
    kind: Mapped[str | None] = mapped_column(String(10), nullable=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # "dropped twice?"
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    batch: Mapped[ScanBatch] = relationship(back_populates="files")


class ScanPage(db.Model):
    """One page of a scanned file and what became of it."""

    __tablename__ = "scan_pages"
    __table_args__ = (
        Index("uq_scan_pages_counted", "survey_id", "serial", "page_no", unique=True,
              sqlite_where=text("status = 'read'"), postgresql_where=text("status = 'read'")),
        Index("ix_scan_pages_sheet", "survey_id", "serial"),
        # A page of a file is stored once, even when two workers read it (one taken for dead
        # while only slow): the second's group clashes, is undone and stored without it.
        Index("uq_scan_pages_file_index", "file_id", "index", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("scan_batches.id", ondelete="CASCADE"),
                                          index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("scan_files.id", ondelete="CASCADE"),
                                         index=True)
    index: Mapped[int] = mapped_column(Integer)  # 0-based page within its file
    status: Mapped[PageStatus] = mapped_column(enum_column(PageStatus))
    reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                                  nullable=True)
    serial: Mapped[int | None] = mapped_column(Integer, nullable=True)
    page_no: Mapped[int | None] = mapped_column(Integer, nullable=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_versions.id"),
                                                   nullable=True)
    print_batch_id: Mapped[int | None] = mapped_column(ForeignKey("print_batches.id"),
                                                       nullable=True)
    pilot: Mapped[bool] = mapped_column(Boolean, default=False)
    rotation: Mapped[int | None] = mapped_column(Integer, nullable=True)
    image_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    upright: Mapped[bool] = mapped_column(Boolean, default=False)  # image is the aligned page
    scale: Mapped[float] = mapped_column(Float, default=2.0)  # image pixels per point
    boxes: Mapped[list | None] = mapped_column(JSON, nullable=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("scan_pages.id"),
                                                        nullable=True)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    batch: Mapped[ScanBatch] = relationship()
    file: Mapped[ScanFile] = relationship()
    survey = relationship("Survey")
    duplicate_of: Mapped[ScanPage | None] = relationship(remote_side=[id])
    answers: Mapped[list[ScanAnswer]] = relationship(back_populates="page",
                                                     order_by="ScanAnswer.id",
                                                     cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        """Status in the user's language."""
        return str(PAGE_STATUS_LABELS[self.status])

    @property
    def serial_text(self) -> str:
        """The serial as printed, or an empty string."""
        from ..forms.models import format_serial
        return format_serial(self.serial) if self.serial is not None else ""


class ScanAnswer(db.Model):
    """One question read from one page: values, status, confidence and where they came from."""

    __tablename__ = "scan_answers"
    __table_args__ = (UniqueConstraint("page_id", "question", name="uq_scan_answer_question"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("scan_pages.id", ondelete="CASCADE"),
                                         index=True)
    question: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    values: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16))  # ok, blank, multiple, doubtful
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    source: Mapped[str] = mapped_column(String(16), default="omr")  # omr or verified
    note: Mapped[str] = mapped_column(String(40), default="")
    # Contact questions (phone, citizen ID): ``values`` is masked, the reading is encrypted here.
    secret: Mapped[str | None] = mapped_column(Text, nullable=True, info={"encrypted": True})
    page: Mapped[ScanPage] = relationship(back_populates="answers")

    @property
    def plain_values(self) -> list:
        """The values as read (decrypted for contact questions)."""
        if self.secret is None:
            return list(self.values)
        from .contact import unseal
        return list(unseal(self.secret)["values"])


class TextRegion(db.Model):
    """A free-text answer cut out of a page as an image, waiting to be keyed."""

    __tablename__ = "scan_text_regions"
    __table_args__ = (UniqueConstraint("page_id", "question", name="uq_scan_text_question"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("scan_pages.id", ondelete="CASCADE"),
                                         index=True)
    question: Mapped[str] = mapped_column(String(64))
    image_path: Mapped[str] = mapped_column(String(500))
    has_ink: Mapped[bool] = mapped_column(Boolean, default=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)  # keyed later
    page: Mapped[ScanPage] = relationship()


class VerificationItem(db.Model):
    """A doubtful or multiple answer waiting for a person's decision."""

    __tablename__ = "verification_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("scan_answers.id", ondelete="CASCADE"),
                                           unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    status: Mapped[ItemStatus] = mapped_column(enum_column(ItemStatus),
                                               default=ItemStatus.PENDING, index=True)
    reason: Mapped[str] = mapped_column(String(16))  # the reading's status
    read_values: Mapped[list] = mapped_column(JSON, default=list)
    decision: Mapped[str | None] = mapped_column(String(16), nullable=True)
    decided_values: Mapped[list | None] = mapped_column(JSON, nullable=True)  # masked for contacts
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    answer: Mapped[ScanAnswer] = relationship()
    decided_by = relationship("User")

    def can_decide(self, user) -> bool:
        """Enumerators, scanning operators and the manager decide pending items."""
        return self.status == ItemStatus.PENDING and user.has_role(*VERIFIERS)


class ScanSheet(db.Model):
    """A printed sheet seen in scans: how many of its pages are read, how many doubts remain."""

    __tablename__ = "scan_sheets"
    __table_args__ = (UniqueConstraint("survey_id", "serial", name="uq_scan_sheet_serial"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    serial: Mapped[int] = mapped_column(Integer)
    pages_expected: Mapped[int] = mapped_column(Integer, default=1)
    pages_read: Mapped[int] = mapped_column(Integer, default=0)
    pending: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[SheetStatus] = mapped_column(enum_column(SheetStatus),
                                                default=SheetStatus.INCOMPLETE)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)

    @property
    def countable(self) -> bool:
        """Counted in statistics: every page read and every doubt decided."""
        return self.status == SheetStatus.COMPLETE

    @property
    def status_label(self) -> str:
        """Status in the user's language."""
        return str(SHEET_STATUS_LABELS[self.status])


from .inbox.models import InboxFile, ScanInbox  # noqa: E402,F401  (watched inboxes' tables)

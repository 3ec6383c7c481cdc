"""Watched inboxes: a folder scanners write into, bound to a survey and an operator, and the
ledger of every file taken from it."""

from __future__ import annotations

import enum
import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...directory.models import enum_column
from ...extensions import db
from ...timeutil import utcnow

SETTLE_SECONDS = 10  # a file's size and time must stay unchanged this long before it is taken
GIVE_UP_SECONDS = 300  # a file unchanged this long that still does not parse is rejected


class InboxState(enum.StrEnum):
    """What the watchers last found at the folder."""

    WAITING = "waiting"  # set up; no watcher has looked yet
    WATCHING = "watching"
    UNREACHABLE = "unreachable"  # missing, not the inbox (share unmounted), unreadable


class FileState(enum.StrEnum):
    """What became of a file taken from an inbox."""

    READING = "reading"  # claimed, stored as a scan batch, being read
    DONE = "done"  # read (some pages may be rejected: see its batch); moved to done/
    REJECTED = "rejected"  # nothing could be read from it; moved to rejected/ with the reason
    DUPLICATE = "duplicate"  # the same content was read before; not read again; rejected/
    # Its batch failed (the reading job gave up): kept in claimed/ until read again from the
    # batch page, then done or rejected like any other.
    FAILED = "failed"


INBOX_STATE_LABELS = {InboxState.WAITING: _l("Waiting for a watcher"),
                      InboxState.WATCHING: _l("Watching"),
                      InboxState.UNREACHABLE: _l("Folder not reachable")}
# Why a folder cannot be watched (``folder.Unreachable`` codes), shown on the station pages.
PROBLEM_LABELS = {
    "missing": _l("The folder does not exist (a network share that is not mounted, or a folder "
                  "moved away)"),
    "not_inbox": _l("The folder has no inbox marker: the network share is probably not "
                    "mounted (its empty mount point shows instead)"),
    "other_inbox": _l("The folder is marked as another inbox"),
    "no_access": _l("Files cannot be read or moved in the folder (permissions)"),
    "io_error": _l("The folder cannot be read (input/output error)"),
}
FILE_STATE_LABELS = {FileState.READING: _l("Reading"), FileState.DONE: _l("Read"),
                     FileState.REJECTED: _l("Rejected"),
                     FileState.DUPLICATE: _l("Already read before"),
                     FileState.FAILED: _l("Reading failed")}


class ScanInbox(db.Model):
    """A folder watched for scanner files; each file becomes a scan batch of its survey."""

    __tablename__ = "scan_inboxes"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    path: Mapped[str] = mapped_column(String(1000), unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    # The operator the batches are made by (the audit trail names her), e.g. who feeds the
    # scanner that writes here.
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    pilot: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    settle_seconds: Mapped[int] = mapped_column(Integer, default=SETTLE_SECONDS)
    give_up_seconds: Mapped[int] = mapped_column(Integer, default=GIVE_UP_SECONDS)
    state: Mapped[InboxState] = mapped_column(enum_column(InboxState),
                                              default=InboxState.WAITING)
    state_detail: Mapped[str] = mapped_column(Text, default="")
    state_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    waiting: Mapped[int] = mapped_column(Integer, default=0)  # files in the folder, last look
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    survey = relationship("Survey")
    operator = relationship("User", foreign_keys=[operator_id])

    @property
    def state_label(self) -> str:
        """State in the user's language."""
        return str(INBOX_STATE_LABELS[self.state])

    @property
    def problem(self) -> str:
        """Why the folder cannot be watched, in the user's language ("" when it can)."""
        found = re.match(r"\[(\w+)\]", self.state_detail or "")
        label = PROBLEM_LABELS.get(found.group(1)) if found else None
        return str(label) if label else ""

    @property
    def problem_detail(self) -> str:
        """The technical detail (path, system error), for whoever fixes the folder."""
        return re.sub(r"^\[\w+\]\s*", "", self.state_detail or "")


class InboxFile(db.Model):
    """One file taken from an inbox: its scanner name and time, content hash, fate, batch."""

    __tablename__ = "scan_inbox_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    inbox_id: Mapped[int] = mapped_column(ForeignKey("scan_inboxes.id", ondelete="CASCADE"),
                                          index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)  # its name while claimed
    name: Mapped[str] = mapped_column(String(255))  # as the scanner named it
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # "survey id:sha256" of a file being read or read: the same content is read once, even
    # when two copies are taken at the same moment by two watchers.
    content_key: Mapped[str | None] = mapped_column(String(80), unique=True, nullable=True)
    modified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    state: Mapped[FileState] = mapped_column(enum_column(FileState))
    reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("scan_batches.id", ondelete="SET NULL"), nullable=True, index=True)
    # A duplicate: the batch that read the same content first.
    earlier_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("scan_batches.id", ondelete="SET NULL"), nullable=True)
    moved_to: Mapped[str | None] = mapped_column(String(500), nullable=True)  # in the inbox
    worker: Mapped[str] = mapped_column(String(120), default="")
    inbox: Mapped[ScanInbox] = relationship()
    batch = relationship("ScanBatch", foreign_keys=[batch_id])
    earlier_batch = relationship("ScanBatch", foreign_keys=[earlier_batch_id])

    @property
    def state_label(self) -> str:
        """State in the user's language."""
        return str(FILE_STATE_LABELS[self.state])

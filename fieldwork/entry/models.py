"""One record per paper sheet from every source: OMR reading, keyings, adjudication, edits.

An ``EntrySheet`` is the single record of a printed sheet of a survey, whatever way its
answers arrived.  ``EntryAnswer`` holds the final value of each question together with
where it came from (omr, verified, key1, key2, adjudicated, edited).  ``Keying`` is one
keying pass by one person; two passes of one sheet are by two different people, and
their ``EntryDifference`` rows wait for an adjudicator.  Phone and citizen ID never sit
in plain text in any of these tables: they live encrypted (``*_enc``) beside a blind
index (``*_hash``) used to compare and to find duplicates.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..directory.models import enum_column
from ..extensions import db
from ..privacy.mask import CONTACT_QUESTIONS  # noqa: F401  (contact questions, for entry)
from ..timeutil import utcnow


class ReviewState(enum.StrEnum):
    """Review state of a sheet; only approved sheets go to statistics."""

    RECEIVED = "received"
    HAS_ISSUES = "has_issues"
    EDITED = "edited"
    APPROVED = "approved"
    REJECTED = "rejected"


class SheetSource(enum.StrEnum):
    """Where the sheet's answers first came from."""

    OMR = "omr"
    KEYED = "keyed"
    INTERVIEW = "interview"  # keyed from an interview or call the contractor made itself


class Stage(enum.StrEnum):
    """How far a keyed sheet is through double entry."""

    AWAITING_KEY2 = "awaiting_key2"
    ADJUDICATION = "adjudication"
    FINAL = "final"


class DoubleMode(enum.StrEnum):
    """Which sheets of a survey are keyed twice."""

    NONE = "none"
    ALL = "all"
    PERCENT = "percent"


REVIEW_STATE_LABELS = {
    ReviewState.RECEIVED: _l("Received"),
    ReviewState.HAS_ISSUES: _l("Has issues"),
    ReviewState.EDITED: _l("Edited"),
    ReviewState.APPROVED: _l("Approved"),
    ReviewState.REJECTED: _l("Rejected"),
}
SOURCE_LABELS = {
    "omr": _l("Scan (OMR)"), "verified": _l("Scan, verified by a person"),
    "keyed": _l("Keyed"), "interview": _l("Interview by the contractor"),
    "key1": _l("Key 1"), "key2": _l("Key 2"),
    "adjudicated": _l("Adjudicated"), "edited": _l("Edited after review"),
}
STAGE_LABELS = {
    Stage.AWAITING_KEY2: _l("Waiting for the second keying"),
    Stage.ADJUDICATION: _l("Waiting for adjudication"),
    Stage.FINAL: _l("Keyed"),
}


class EntrySettings(db.Model):
    """Double-entry setting of a survey: none, every sheet, or a seeded random percentage."""

    __tablename__ = "entry_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           unique=True)
    double_mode: Mapped[DoubleMode] = mapped_column(enum_column(DoubleMode),
                                                    default=DoubleMode.NONE)
    percent: Mapped[int] = mapped_column(Integer, default=0)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)


class EntrySheet(db.Model):
    """The one record of a printed sheet of a survey, whatever its sources."""

    __tablename__ = "entry_sheets"
    __table_args__ = (UniqueConstraint("survey_id", "serial", name="uq_entry_sheet_serial"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    serial: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    print_batch_id: Mapped[int | None] = mapped_column(ForeignKey("print_batches.id"),
                                                       nullable=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True,
                                                  index=True)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("fields.id"), nullable=True)
    enumerator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True,
                                                      index=True)
    review_state: Mapped[ReviewState] = mapped_column(
        enum_column(ReviewState), default=ReviewState.RECEIVED, index=True)
    source: Mapped[SheetSource] = mapped_column(enum_column(SheetSource))
    stage: Mapped[Stage] = mapped_column(enum_column(Stage), default=Stage.FINAL)
    double: Mapped[bool] = mapped_column(Boolean, default=False)  # drawn for double entry
    in_assignment: Mapped[bool] = mapped_column(Boolean, default=True)
    scan_sheet_id: Mapped[int | None] = mapped_column(
        ForeignKey("scan_sheets.id", ondelete="SET NULL"), nullable=True)
    phone_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    cid_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    cid_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    survey = relationship("Survey")
    version = relationship("QuestionnaireVersion")
    agency = relationship("Agency")
    enumerator = relationship("User", foreign_keys=[enumerator_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    answers: Mapped[list[EntryAnswer]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan", order_by="EntryAnswer.id")
    keyings: Mapped[list[Keying]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan", order_by="Keying.pass_no")
    differences: Mapped[list[EntryDifference]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan", order_by="EntryDifference.id")

    @property
    def serial_text(self) -> str:
        """The serial as printed."""
        from ..forms.models import format_serial
        return format_serial(self.serial)

    @property
    def state_label(self) -> str:
        """Review state in the user's language."""
        return str(REVIEW_STATE_LABELS[self.review_state])

    @property
    def stage_label(self) -> str:
        """Double-entry stage in the user's language."""
        return str(STAGE_LABELS[self.stage])

    @property
    def counted(self) -> bool:
        """Only approved sheets count in statistics."""
        return self.review_state == ReviewState.APPROVED

    def answer_map(self) -> dict[str, EntryAnswer]:
        """Final answers by question code."""
        return {a.question: a for a in self.answers}


class EntryAnswer(db.Model):
    """The final value of one question of one sheet, and where it came from."""

    __tablename__ = "entry_answers"
    __table_args__ = (UniqueConstraint("sheet_id", "question", name="uq_entry_answer_question"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("entry_sheets.id", ondelete="CASCADE"),
                                          index=True)
    question: Mapped[str] = mapped_column(String(64))
    values: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="ok")  # ok, blank, contact...
    source: Mapped[str] = mapped_column(String(16))  # omr verified key1 key2 adjudicated edited
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)
    sheet: Mapped[EntrySheet] = relationship(back_populates="answers")

    @property
    def source_label(self) -> str:
        """Source in the user's language."""
        return str(SOURCE_LABELS.get(self.source, self.source))


class Keying(db.Model):
    """One keying pass of a sheet by one person; contact data kept encrypted beside it."""

    __tablename__ = "entry_keyings"
    __table_args__ = (UniqueConstraint("sheet_id", "pass_no", name="uq_entry_keying_pass"),
                      UniqueConstraint("sheet_id", "keyed_by_id", name="uq_entry_keying_person"))
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("entry_sheets.id", ondelete="CASCADE"),
                                          index=True)
    pass_no: Mapped[int] = mapped_column(Integer)
    keyed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    warnings: Mapped[list] = mapped_column(JSON, default=list)  # soft warnings confirmed
    phone_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    cid_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    cid_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sheet: Mapped[EntrySheet] = relationship(back_populates="keyings")
    keyed_by = relationship("User")


class EntryDifference(db.Model):
    """A question on which two keyings (kind ``double``), or the keying and the scan of the
    same serial (kind ``scan``, the scan's reading in ``scan_values``), disagree, and the
    adjudicator's decision."""

    __tablename__ = "entry_differences"
    __table_args__ = (UniqueConstraint("sheet_id", "question", "kind", name="uq_entry_difference"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("entry_sheets.id", ondelete="CASCADE"),
                                          index=True)
    question: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8), default="double", server_default="double")
    scan_values: Mapped[list | None] = mapped_column(JSON, nullable=True)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # double: key1 key2 other; scan: keyed scan other
    decision: Mapped[str | None] = mapped_column(String(16), nullable=True)
    key1_wrong: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    key2_wrong: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sheet: Mapped[EntrySheet] = relationship(back_populates="differences")
    resolved_by = relationship("User")


class EntryEdit(db.Model):
    """A change of a final answer after keying; contact values are stored masked only."""

    __tablename__ = "entry_edits"
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("entry_sheets.id", ondelete="CASCADE"),
                                          index=True)
    question: Mapped[str] = mapped_column(String(64))
    before: Mapped[list] = mapped_column(JSON, default=list)
    after: Mapped[list] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    edited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    edited_by = relationship("User")

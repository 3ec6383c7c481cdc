"""Steps 2 and 3: consultation on the questionnaire, pilots, training, assignments, serials."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
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
from ..timeutil import utcnow


class Disposition(enum.StrEnum):
    """What the contractor did with a comment."""

    ACCEPTED = "accepted"
    PARTLY = "partly"
    EXPLAINED = "explained"


DISPOSITION_LABELS = {
    Disposition.ACCEPTED: _l("Accepted"),
    Disposition.PARTLY: _l("Partly accepted"),
    Disposition.EXPLAINED: _l("Not accepted, explained"),
}


class ConsultationComment(db.Model):
    """A written comment of an agency on the draft questionnaire, and its disposition."""

    __tablename__ = "plans_consultation"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    document_ref: Mapped[str] = mapped_column(String(200), default="")
    received_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    text: Mapped[str] = mapped_column(Text)
    disposition: Mapped[Disposition | None] = mapped_column(enum_column(Disposition),
                                                            nullable=True)
    disposition_text: Mapped[str] = mapped_column(Text, default="")
    disposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    disposed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    agency = relationship("Agency", lazy="joined")

    @property
    def disposition_label(self) -> str:
        """The disposition in the user's language, or empty."""
        return str(DISPOSITION_LABELS[self.disposition]) if self.disposition else ""


class PilotRecord(db.Model):
    """A pilot survey (khảo sát thử) of a questionnaire version: what it found and changed."""

    __tablename__ = "plans_pilots"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    version_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    batch_ref: Mapped[str] = mapped_column(String(200), default="")
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    sheets: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[str] = mapped_column(Text)
    changes: Mapped[str] = mapped_column(Text, default="")
    changes_required: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TrainingSession(db.Model):
    """A training session for enumerators; ``pass_mark`` set when a test is used."""

    __tablename__ = "plans_training_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    trainer: Mapped[str] = mapped_column(String(200))
    materials: Mapped[str] = mapped_column(Text, default="")
    pass_mark: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Attendance.id")


class Attendance(db.Model):
    """One enumerator at one session: present or not, and the test score."""

    __tablename__ = "plans_attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_plans_attendance"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("plans_training_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    present: Mapped[bool] = mapped_column(Boolean, default=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    session: Mapped[TrainingSession] = relationship(back_populates="attendance")
    user = relationship("User", lazy="joined")

    @property
    def passed(self) -> bool:
        """Present, and at or above the pass mark where the session had a test."""
        if not self.present:
            return False
        mark = self.session.pass_mark
        return mark is None or (self.score is not None and self.score >= mark)


class Assignment(db.Model):
    """An enumerator's quota of completed forms at one agency."""

    __tablename__ = "plans_assignments"
    __table_args__ = (UniqueConstraint("survey_id", "enumerator_id", "agency_id",
                                       name="uq_plans_assignments_unit"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    enumerator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    quota: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    enumerator = relationship("User", foreign_keys=[enumerator_id], lazy="joined")
    agency = relationship("Agency", lazy="joined")
    ranges: Mapped[list[SerialRange]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", order_by="SerialRange.id")


class SerialRange(db.Model):
    """Printed sheets ``first_serial..last_serial`` handed to an enumerator, and their return
    (completed and unused forms counted on paper)."""

    __tablename__ = "plans_serial_ranges"
    __table_args__ = (CheckConstraint("last_serial >= first_serial", name="range_order"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("plans_assignments.id", ondelete="CASCADE"), index=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    first_serial: Mapped[int] = mapped_column(Integer)
    last_serial: Mapped[int] = mapped_column(Integer)
    handed_out_on: Mapped[date] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Counted on paper when the range comes back; what is in the system is measured.
    completed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unused: Mapped[int | None] = mapped_column(Integer, nullable=True)
    assignment: Mapped[Assignment] = relationship(back_populates="ranges")

    @property
    def size(self) -> int:
        """Number of sheets in the range."""
        return self.last_serial - self.first_serial + 1

    @property
    def returned(self) -> bool:
        """True once the return has been recorded."""
        return self.returned_on is not None

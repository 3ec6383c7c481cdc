"""Versioned report drafts: each version freezes the statistics it was built from."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.roles import RoleName
from ..directory.models import enum_column
from ..extensions import db
from ..timeutil import utcnow


class ReportScope(enum.StrEnum):
    """What a draft covers: the whole survey, one agency or one field."""

    SYNTHESIS = "synthesis"
    AGENCY = "agency"
    FIELD = "field"


SCOPE_LABELS = {
    ReportScope.SYNTHESIS: _l("Synthesis report"),
    ReportScope.AGENCY: _l("Agency report"),
    ReportScope.FIELD: _l("Field report"),
}


def scope_key(scope: ReportScope, agency_id: int | None = None,
              field_id: int | None = None) -> str:
    """One string per report line ("synthesis", "agency:7", "field:3"): versions count in it."""
    if scope == ReportScope.AGENCY:
        return f"agency:{agency_id}"
    if scope == ReportScope.FIELD:
        return f"field:{field_id}"
    return "synthesis"


class ReportDraft(db.Model):
    """One immutable version of a report draft.

    ``statistics`` is the statistics dict (``report_statistics``) the files were built from,
    with its ``snapshot`` id, so every figure can be recomputed and checked; ``previous_*``
    is the earlier year's survey it was compared with. The DOCX and PDF are plans attachments
    (synthesis and field: REPORT_DRAFT; agency: AGENCY_DRAFT, which step-5 rounds send).
    A new text or newer data makes version n+1; nothing here is ever updated except the
    publication mark set once by step 6.
    """

    __tablename__ = "report_drafts"
    __table_args__ = (
        UniqueConstraint("survey_id", "scope_key", "number", name="uq_report_drafts_version"),
        Index("ix_report_drafts_survey_scope", "survey_id", "scope_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    scope: Mapped[ReportScope] = mapped_column(enum_column(ReportScope))
    scope_key: Mapped[str] = mapped_column(String(40))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("fields.id"), nullable=True)
    number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[str] = mapped_column(String(64))
    statistics: Mapped[dict] = mapped_column(JSON)
    previous_survey_id: Mapped[int | None] = mapped_column(
        ForeignKey("surveys.id", ondelete="SET NULL"), nullable=True)
    previous_statistics: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # Every earlier year compared with, oldest first: [{"code", "year", "statistics"}]
    # (``previous_*`` is the most recent of them).
    earlier: Mapped[list | None] = mapped_column(JSON, nullable=True)
    # The plan's situation and reasons for the fields, as this version printed them.
    situation: Mapped[str] = mapped_column(Text, default="")
    shortcomings: Mapped[str] = mapped_column(Text, default="")
    recommendations: Mapped[str] = mapped_column(Text, default="")
    docx_id: Mapped[int] = mapped_column(ForeignKey("plans_attachments.id"))
    pdf_id: Mapped[int] = mapped_column(ForeignKey("plans_attachments.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                          nullable=True)

    survey = relationship("Survey", foreign_keys=[survey_id])
    previous_survey = relationship("Survey", foreign_keys=[previous_survey_id], lazy="joined")
    agency = relationship("Agency", lazy="joined")
    field = relationship("Field", lazy="joined")
    docx = relationship("Attachment", foreign_keys=[docx_id], lazy="joined")
    pdf = relationship("Attachment", foreign_keys=[pdf_id], lazy="joined")
    created_by = relationship("User", lazy="joined")

    @property
    def published(self) -> bool:
        """True once step 6 published the survey with this version."""
        return self.published_at is not None

    @property
    def scope_label(self) -> str:
        """The scope in the user's language, with the agency or field name."""
        label = str(SCOPE_LABELS[self.scope])
        if self.agency is not None:
            return f"{label}: {self.agency.name}"
        if self.field is not None:
            return f"{label}: {self.field.name}"
        return label

    def can_read(self, user) -> bool:
        """Managers and Home Affairs read synthesis and field drafts (managers all); an
        agency reviewer only its own agency's drafts."""
        if user.has_role(RoleName.MANAGER):
            return True
        if user.has_role(RoleName.HOME_AFFAIRS) and self.scope != ReportScope.AGENCY:
            return True
        return (user.has_role(RoleName.AGENCY) and self.scope == ReportScope.AGENCY
                and self.agency_id is not None and self.agency_id == user.agency_id)


class DispatchKind(enum.StrEnum):
    """Who an issued report went to (seed 002 III.3.e: the agencies, the city People's
    Committee; Sở Nội vụ, which appraised it; others)."""

    CITY = "city"
    HOME_AFFAIRS = "home_affairs"
    AGENCY = "agency"
    OTHER = "other"


class ReportIssue(db.Model):
    """The issued report: the synthesis version it issues, its number and date, the files
    (without "DỰ THẢO", stored as the final report) and whom it was sent to."""

    __tablename__ = "report_issues"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           unique=True)
    # None when the final report was made outside the system and uploaded.
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("report_drafts.id"), nullable=True)
    number: Mapped[str] = mapped_column(String(10))
    symbol: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[date] = mapped_column(Date)
    docx_id: Mapped[int | None] = mapped_column(ForeignKey("plans_attachments.id"),
                                                nullable=True)
    pdf_id: Mapped[int | None] = mapped_column(ForeignKey("plans_attachments.id"),
                                               nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    draft = relationship("ReportDraft", lazy="joined")
    docx = relationship("Attachment", foreign_keys=[docx_id], lazy="joined")
    pdf = relationship("Attachment", foreign_keys=[pdf_id], lazy="joined")
    created_by = relationship("User", lazy="joined")
    dispatches: Mapped[list[ReportDispatch]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="ReportDispatch.position")

    @property
    def reference(self) -> str:
        """"25/BC-TTKS" (numbers under 10 with a leading 0, as Decree 30 writes them)."""
        number = f"{int(self.number):02d}" if self.number.isdigit() else self.number
        return f"{number}/{self.symbol}"


class ReportDispatch(db.Model):
    """One recipient of the issued report, in "Nơi nhận" order, and the day it was sent."""

    __tablename__ = "report_dispatches"
    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("report_issues.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[DispatchKind] = mapped_column(enum_column(DispatchKind))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    recipient: Mapped[str] = mapped_column(String(300))
    sent_on: Mapped[date] = mapped_column(Date)

    issue: Mapped[ReportIssue] = relationship(back_populates="dispatches")
    agency = relationship("Agency", lazy="joined")

"""Attachments (versioned files under the data directory) and in-app notifications."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.roles import RoleName
from ..directory.models import enum_column
from ..extensions import db
from ..timeutil import utcnow


class DocKind(enum.StrEnum):
    """What an attachment is; decides the step it belongs to and who may read it."""

    PLAN_SIGNED = "plan_signed"
    APPRAISAL = "appraisal"
    CONSULTATION = "consultation"
    PILOT = "pilot"
    TRAINING = "training"
    REPORT_DRAFT = "report_draft"
    AGENCY_DRAFT = "agency_draft"
    COMMENT = "comment"
    VERIFICATION = "verification"
    OPINION = "opinion"
    MINUTES = "minutes"
    FINAL_REPORT = "final_report"
    OTHER = "other"


DOC_KIND_LABELS = {
    DocKind.PLAN_SIGNED: _l("Signed plan"),
    DocKind.APPRAISAL: _l("Home Affairs appraisal letter"),
    DocKind.CONSULTATION: _l("Consultation letter"),
    DocKind.PILOT: _l("Pilot record"),
    DocKind.TRAINING: _l("Training material"),
    DocKind.REPORT_DRAFT: _l("Draft synthesis report"),
    DocKind.AGENCY_DRAFT: _l("Draft results of one agency"),
    DocKind.COMMENT: _l("Written comment of an agency"),
    DocKind.VERIFICATION: _l("On-site verification record"),
    DocKind.OPINION: _l("Written opinion"),
    DocKind.MINUTES: _l("Council minutes"),
    DocKind.FINAL_REPORT: _l("Final report"),
    DocKind.OTHER: _l("Other document"),
}

# Kinds that must name the agency they concern (agency reviewers read only their own).
AGENCY_KINDS = {DocKind.AGENCY_DRAFT, DocKind.COMMENT}
# Kinds contractor staff other than the manager (enumerators, scanning, re-check) may read.
STAFF_KINDS = {DocKind.PLAN_SIGNED, DocKind.TRAINING}


class Attachment(db.Model):
    """One version of a document; a new upload with the same key adds a version, never
    overwrites. The file lives under FIELDWORK_DATA_DIR at ``path`` with its SHA-256."""

    __tablename__ = "plans_attachments"
    __table_args__ = (UniqueConstraint("survey_id", "doc_key", "version",
                                       name="uq_plans_attachments_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[DocKind] = mapped_column(enum_column(DocKind))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    title: Mapped[str] = mapped_column(String(200))
    doc_key: Mapped[str] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(500))
    note: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    uploaded_by = relationship("User", lazy="joined")
    agency = relationship("Agency", lazy="joined")

    @property
    def kind_label(self) -> str:
        """The kind in the user's language."""
        return str(DOC_KIND_LABELS[self.kind])

    def can_download(self, user, published: bool = False) -> bool:
        """Managers and Home Affairs read all; agencies their own agency's documents and the
        published report; other contractor staff the plan and training material."""
        if user.has_role(RoleName.MANAGER, RoleName.HOME_AFFAIRS):
            return True
        if user.has_role(RoleName.AGENCY):
            if self.agency_id is not None and self.agency_id == user.agency_id:
                return True
            if published and self.kind == DocKind.FINAL_REPORT:
                return True
        if user.has_role(RoleName.ENUMERATOR, RoleName.SCANNER, RoleName.RECHECK):
            return self.kind in STAFF_KINDS and self.agency_id is None
        return False


class Notification(db.Model):
    """A message for one user about one survey; ``kind`` and ``params`` are rendered in the
    reader's language when shown."""

    __tablename__ = "plans_notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                                  nullable=True)
    kind: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The work it announces (e.g. "step:12:1", "questionnaire:7"); cleared once that is done.
    work: Mapped[str | None] = mapped_column(String(120), nullable=True, index=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    survey = relationship("Survey", lazy="joined")

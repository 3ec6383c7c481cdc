"""Questionnaire versions of a survey and the print batches made from them."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
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
from .spec import Questionnaire

SERIAL_DIGITS = 8


class VersionStatus(enum.StrEnum):
    """Life of a questionnaire version; an approved version is frozen forever."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


VERSION_STATUS_LABELS = {
    VersionStatus.DRAFT: _l("Draft"),
    VersionStatus.SUBMITTED: _l("Submitted for approval"),
    VersionStatus.RETURNED: _l("Returned with comments"),
    VersionStatus.APPROVED: _l("Approved"),
}


class QuestionnaireVersion(db.Model):
    """Version ``number`` of a survey's questionnaire; ``spec`` is the Questionnaire as JSON."""

    __tablename__ = "questionnaire_versions"
    __table_args__ = (UniqueConstraint("survey_id", "number", name="uq_qv_survey_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[VersionStatus] = mapped_column(enum_column(VersionStatus),
                                                  default=VersionStatus.DRAFT)
    spec: Mapped[dict] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(200), default="")
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_versions.id"),
                                                    nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decision_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    survey = relationship("Survey", backref="questionnaire_versions")
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    based_on = relationship("QuestionnaireVersion", remote_side=[id])

    @property
    def questionnaire(self) -> Questionnaire:
        """The content as a spec object."""
        return Questionnaire.from_dict(self.spec)

    @property
    def status_label(self) -> str:
        """Status in the user's language."""
        return str(VERSION_STATUS_LABELS[self.status])

    @property
    def frozen(self) -> bool:
        """Approved (or awaiting decision) versions cannot be edited."""
        return self.status in (VersionStatus.APPROVED, VersionStatus.SUBMITTED)

    def can_edit(self, user) -> bool:
        """The contractor manager edits drafts and returned versions."""
        return user.has_role(RoleName.MANAGER) and not self.frozen

    def can_view(self, user) -> bool:
        """Contractor staff and Home Affairs read questionnaires."""
        return user.has_role(RoleName.MANAGER, RoleName.HOME_AFFAIRS, RoleName.ENUMERATOR,
                             RoleName.SCANNER)


class PrintBatch(db.Model):
    """A run of printed sheets with serials ``first_serial..last_serial`` of one version."""

    __tablename__ = "print_batches"
    __table_args__ = (CheckConstraint("last_serial >= first_serial", name="serial_order"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    first_serial: Mapped[int] = mapped_column(Integer)
    last_serial: Mapped[int] = mapped_column(Integer)
    pilot: Mapped[bool] = mapped_column(Boolean, default=False)
    pages_per_sheet: Mapped[int] = mapped_column(Integer, default=1)
    pdf_path: Mapped[str] = mapped_column(String(500))
    layout_path: Mapped[str] = mapped_column(String(500))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    assigned_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"),
                                                           nullable=True)
    # What the paper itself says: printed for an agency (and a field), personalised for
    # drawn dossiers (one ``PrintedSheet`` per serial), and the imprint it was printed with.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True,
                                                  index=True)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("fields.id"), nullable=True)
    personal: Mapped[bool] = mapped_column(Boolean, default=False)
    imprint: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[QuestionnaireVersion] = relationship(lazy="joined")
    survey = relationship("Survey", backref="print_batches")
    assigned_user = relationship("User", foreign_keys=[assigned_user_id])
    assigned_agency = relationship("Agency", foreign_keys=[assigned_agency_id])
    agency = relationship("Agency", foreign_keys=[agency_id])
    field = relationship("Field")

    @property
    def kind_label(self) -> str:
        """Generic, personalised or pilot, in the user's language."""
        if self.pilot:
            return str(_l("Pilot"))
        return str(_l("Personalised (drawn dossiers)") if self.personal else _l("Generic"))

    @property
    def count(self) -> int:
        """Number of sheets."""
        return self.last_serial - self.first_serial + 1

    def serial_text(self, n: int) -> str:
        """A serial as printed (zero-padded digits)."""
        return format_serial(n)


class PrintedSheet(db.Model):
    """A personalised sheet: the drawn dossier a serial was printed for (the QR stays short).

    A dossier has at most one live (not void) sheet; printing it again voids the old serial,
    with a reason. ``returned_at`` is set when the sheet comes back (scanned or keyed).
    """

    __tablename__ = "printed_sheets"
    __table_args__ = (
        UniqueConstraint("survey_id", "serial", name="uq_printed_sheets_serial"),
        Index("uq_printed_sheets_live_dossier", "dossier_id", unique=True,
              sqlite_where=text("voided_at IS NULL"),
              postgresql_where=text("voided_at IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("print_batches.id", ondelete="CASCADE"),
                                          index=True)
    serial: Mapped[int] = mapped_column(Integer)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("frame_dossiers.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    void_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    batch: Mapped[PrintBatch] = relationship()
    dossier = relationship("FrameDossier", lazy="joined")
    agency = relationship("Agency")

    @property
    def serial_text(self) -> str:
        """The serial as printed."""
        return format_serial(self.serial)


def format_serial(n: int) -> str:
    """Serials print as 8 zero-padded digits."""
    return f"{n:0{SERIAL_DIGITS}d}"

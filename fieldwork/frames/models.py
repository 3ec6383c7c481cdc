"""The sampling frame (dossiers with results returned), its imports and frozen draws."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
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

from ..directory.models import enum_column
from ..extensions import db
from ..timeutil import utcnow


class DrawMethod(enum.StrEnum):
    """How units are picked inside a stratum."""

    SIMPLE = "simple"
    SYSTEMATIC = "systematic"


METHOD_LABELS = {DrawMethod.SIMPLE: _l("Simple random"),
                 DrawMethod.SYSTEMATIC: _l("Systematic (by date returned)")}


class FrameImport(db.Model):
    """One committed import of a dossier list: who, when, which file and what came of it."""

    __tablename__ = "frame_imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_format: Mapped[str] = mapped_column(String(8))
    encoding: Mapped[str | None] = mapped_column(String(16), nullable=True)
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_added: Mapped[int] = mapped_column(Integer, default=0)
    rows_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_by_label: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FrameDossier(db.Model):
    """A dossier whose result was returned: one unit of the frame; personal data encrypted.

    ``name_enc``, ``phone_enc`` and ``cid_enc`` are Fernet tokens (``privacy.crypto``);
    ``phone_index`` and ``cid_index`` are blind indexes to find a person without decrypting.
    """

    __tablename__ = "frame_dossiers"
    __table_args__ = (
        UniqueConstraint("survey_id", "code", name="uq_frame_dossiers_code"),
        Index("ix_frame_dossiers_stratum", "survey_id", "agency_id", "field_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("frame_imports.id"), nullable=True,
                                                  index=True)
    code: Mapped[str] = mapped_column(String(64))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    field_id: Mapped[int | None] = mapped_column(ForeignKey("fields.id"), nullable=True)
    procedure: Mapped[str] = mapped_column(Text, default="")
    received_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    returned_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    name_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    phone_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    phone_index: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    cid_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    cid_index: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    agency = relationship("Agency", lazy="joined")
    field = relationship("Field", lazy="joined")


class FrameDraw(db.Model):
    """A frozen, seeded draw of respondents from the frame; a newer draw supersedes it."""

    __tablename__ = "frame_draws"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    seed: Mapped[int] = mapped_column(Integer)
    method: Mapped[DrawMethod] = mapped_column(enum_column(DrawMethod))
    by_field: Mapped[bool] = mapped_column(Boolean, default=True)
    late_first: Mapped[bool] = mapped_column(Boolean, default=False)
    reserve_percent: Mapped[int] = mapped_column(Integer, default=20)
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: the plan's n
    population: Mapped[int] = mapped_column(Integer, default=0)
    drawn: Mapped[int] = mapped_column(Integer, default=0)
    reserves: Mapped[int] = mapped_column(Integer, default=0)
    allocation: Mapped[list] = mapped_column(JSON, default=list)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                           nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_by_label: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    survey = relationship("Survey")
    items: Mapped[list[FrameDrawItem]] = relationship(
        back_populates="draw", order_by="FrameDrawItem.position")

    @property
    def method_label(self) -> str:
        """The method in the user's language."""
        return str(METHOD_LABELS[self.method])


class Outcome(enum.StrEnum):
    """What happened to a drawn dossier (``responses.AAPOR`` maps each to AAPOR's codes)."""

    ANSWERED = "answered"
    PARTIAL = "partial"
    REFUSED = "refused"
    NOT_REACHABLE = "not_reachable"
    INELIGIBLE = "ineligible"


OUTCOME_LABELS = {
    Outcome.ANSWERED: _l("Answered"),
    Outcome.PARTIAL: _l("Answered in part (overall question left blank)"),
    Outcome.REFUSED: _l("Refused"),
    Outcome.NOT_REACHABLE: _l("Not reachable after the plan's attempts"),
    Outcome.INELIGIBLE: _l("Ineligible"),
}


class FrameDrawItem(db.Model):
    """One drawn dossier: its stratum, order, whether it is a reserve (with its rank), and
    what happened to it: outcome, contact attempts, and the reserve that replaced it."""

    __tablename__ = "frame_draw_items"
    __table_args__ = (UniqueConstraint("draw_id", "dossier_id", name="uq_frame_draw_items"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("frame_draws.id"), index=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("frame_dossiers.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    field_id: Mapped[int | None] = mapped_column(ForeignKey("fields.id"), nullable=True)
    reserve: Mapped[bool] = mapped_column(Boolean, default=False)
    rank: Mapped[int] = mapped_column(Integer)  # order inside the stratum (reserves after)
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Who set the outcome: "enumerator" (on the assignment), "call_list" (the call centre's
    # result file) or "answer" (the dossier's answer arrived).
    outcome_source: Mapped[str | None] = mapped_column(String(16), nullable=True)
    outcome_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # A reserve taken into the sample names the drawn dossier it replaces.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("frame_draw_items.id"),
                                                    nullable=True, unique=True)
    draw: Mapped[FrameDraw] = relationship(back_populates="items")
    dossier: Mapped[FrameDossier] = relationship(lazy="joined")

    @property
    def in_sample(self) -> bool:
        """Drawn into the sample, or a reserve taken in to replace a drawn dossier."""
        return not self.reserve or self.replaces_id is not None

    @property
    def outcome_label(self) -> str:
        """The outcome in the user's language, or empty."""
        return str(OUTCOME_LABELS[self.outcome]) if self.outcome else ""

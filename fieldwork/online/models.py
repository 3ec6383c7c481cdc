"""Answers citizens give themselves, online (phone, QR poster) or at a kiosk tablet."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
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


class OnlineChannel(enum.StrEnum):
    """Where a self-completed answer was given (the dataset's channel names)."""

    ONLINE = "online"
    KIOSK = "kiosk"


CHANNEL_LABELS = {OnlineChannel.ONLINE: _l("Online survey"), OnlineChannel.KIOSK: _l("Kiosk")}


class OnlineResponse(db.Model):
    """One self-completed answer to an approved questionnaire version; never deleted.

    A dossier code answers once (unique per survey); phone and citizen ID are stored only
    encrypted with their blind indexes; the device is a hash of a random cookie id.
    """

    __tablename__ = "online_responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "dossier_code", name="uq_online_responses_dossier"),
        Index("ix_online_responses_survey_agency", "survey_id", "agency_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    field_id: Mapped[int | None] = mapped_column(ForeignKey("fields.id"), nullable=True)
    channel: Mapped[OnlineChannel] = mapped_column(enum_column(OnlineChannel))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("frame_dossiers.id"),
                                                   nullable=True)
    dossier_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    phone_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    cid_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    cid_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    device_hash: Mapped[str] = mapped_column(String(64), index=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    satisfied: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
    survey = relationship("Survey")
    version = relationship("QuestionnaireVersion")
    agency = relationship("Agency", lazy="joined")
    field = relationship("Field")

    @property
    def channel_label(self) -> str:
        """The channel in the user's language."""
        return str(CHANNEL_LABELS[self.channel])

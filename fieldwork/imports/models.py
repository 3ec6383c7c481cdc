"""Import runs and the results of other sources they bring in (the city's online software,
the call centre 1022, declared sources), shown beside the independent survey."""

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


class Channel(enum.StrEnum):
    """How imported results were collected (inside their source)."""

    ONLINE = "online"
    CALL_CENTRE = "call_centre"
    IMPORTED = "imported"  # a declared source's file


CHANNEL_LABELS = {Channel.ONLINE: _l("Online survey"), Channel.CALL_CENTRE: _l("Call centre"),
                  Channel.IMPORTED: _l("Imported file")}


class ImportRun(db.Model):
    """One committed import of a file: who, when, which file (sha256) and what came of it."""

    __tablename__ = "import_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), default="results")
    source: Mapped[str | None] = mapped_column(String(40), nullable=True)
    channel: Mapped[Channel | None] = mapped_column(enum_column(Channel), nullable=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
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
    survey = relationship("Survey")

    @property
    def channel_label(self) -> str:
        """The channel in the user's language."""
        return str(CHANNEL_LABELS[self.channel]) if self.channel else ""

    @property
    def source_label(self) -> str:
        """The source in the user's language (a declared source by its name)."""
        from ..stats.sources import label
        return label(self.source) if self.source else ""


class ImportedResponse(db.Model):
    """One satisfaction answer of another source (city online software, call centre 1022,
    a declared source), imported from a results file.

    ``record_id`` is the file's own id of the row: it tells rows apart within their file
    only and never stands in for a dossier code. ``dossier_code``, or phone and citizen ID
    together (encrypted, with blind indexes), count a respondent once within the source.
    """

    __tablename__ = "imported_responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "source", "fingerprint", name="uq_imported_response_fp"),
        Index("ix_imported_responses_survey_agency", "survey_id", "agency_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)
    source: Mapped[str] = mapped_column(String(40))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    response_date: Mapped[date] = mapped_column(Date)
    satisfied: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    record_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    dossier_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    phone_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    cid_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    cid_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    agency = relationship("Agency")

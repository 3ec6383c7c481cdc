"""Sources a survey declares beside the built-in ones, and each survey's data revision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class SurveySource(db.Model):
    """An imported source a survey declares (e.g. SIPAS results), with who runs it.

    The built-in sources (independent, city_online, call_centre) are never stored here.
    """

    __tablename__ = "survey_sources"
    __table_args__ = (UniqueConstraint("survey_id", "name", name="uq_survey_sources_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    name: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DataRevision(db.Model):
    """A counter per survey, raised by every change the figures depend on (approvals,
    edits, imports, online answers, the plan's N, required samples and bands): the key
    under which summaries are cached. A survey without a row is at revision 0."""

    __tablename__ = "stats_revisions"
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


from . import revision as _revision  # noqa: E402,F401  (registers the session listeners)

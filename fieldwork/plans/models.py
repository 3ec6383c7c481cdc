"""A Survey is one contractor's survey of one year; its scope lists agencies with dossier counts."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..directory.models import Agency, Field, enum_column
from ..extensions import db
from ..timeutil import utcnow


class SurveyStatus(enum.StrEnum):
    """Overall status of a survey year; the six steps refine it."""

    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


SURVEY_STATUS_LABELS = {
    SurveyStatus.DRAFT: _l("Draft"),
    SurveyStatus.ACTIVE: _l("In progress"),
    SurveyStatus.CLOSED: _l("Closed"),
}


class Survey(db.Model):
    """One year's independent satisfaction survey, e.g. code DN-2026."""

    __tablename__ = "surveys"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer)
    contractor: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[SurveyStatus] = mapped_column(enum_column(SurveyStatus),
                                                 default=SurveyStatus.DRAFT)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    scope: Mapped[list[SurveyScope]] = relationship(back_populates="survey",
                                                    cascade="all, delete-orphan",
                                                    order_by="SurveyScope.id")

    @property
    def status_label(self) -> str:
        """Status in the user's language."""
        return str(SURVEY_STATUS_LABELS[self.status])

    @property
    def total_dossiers(self) -> int:
        """Sum of dossier counts N over the scope."""
        return sum(s.dossiers for s in self.scope)

    def can_view(self, user) -> bool:
        """Contractor staff and Home Affairs see all surveys; agencies those covering them."""
        from ..auth.roles import RoleName
        if user.has_role(RoleName.MANAGER, RoleName.HOME_AFFAIRS, RoleName.ENUMERATOR,
                         RoleName.SCANNER, RoleName.RECHECK):
            return True
        if user.has_role(RoleName.AGENCY):
            return any(s.agency_id == user.agency_id for s in self.scope)
        return False

    def can_edit(self, user) -> bool:
        """Only the contractor manager edits a survey that is not closed."""
        from ..auth.roles import RoleName
        return user.has_role(RoleName.MANAGER) and self.status != SurveyStatus.CLOSED


class SurveyScope(db.Model):
    """An agency (optionally one field of it) in a survey's scope with its dossier count N."""

    __tablename__ = "survey_scope"
    __table_args__ = (UniqueConstraint("survey_id", "agency_id", "field_id",
                                       name="uq_survey_scope_unit"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    field_id: Mapped[int | None] = mapped_column(ForeignKey("fields.id"), nullable=True)
    dossiers: Mapped[int] = mapped_column(Integer, default=0)
    state_bodies_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # Half-year rule (agencies serving only state bodies): submitting bodies in each half.
    bodies_h1: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bodies_h2: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Why the quota was not met (step 4 accepts a shortfall only when it is explained).
    shortfall_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Why the agency has no report draft (step 4 accepts that only when it is explained).
    draft_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    survey: Mapped[Survey] = relationship(back_populates="scope")
    agency: Mapped[Agency] = relationship(lazy="joined")
    field: Mapped[Field | None] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        """Agency name, with the field when the row covers one field only."""
        return f"{self.agency.name} – {self.field.name}" if self.field else self.agency.name


# The workflow tables live in sibling modules; importing them here lets the feature registry
# (which imports ``fieldwork.plans.models``) register every plans table with the metadata.
from . import models_docs, models_fieldwork, models_review, models_workflow  # noqa: E402,F401

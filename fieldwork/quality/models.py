"""Re-check draws (frozen, seeded samples of approved sheets) and their outcomes."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.roles import RoleName
from ..directory.models import enum_column
from ..extensions import db
from ..timeutil import utcnow

DRAWERS = (RoleName.MANAGER, RoleName.RECHECK)
RECHECKERS = (RoleName.RECHECK,)


class PeriodKind(enum.StrEnum):
    """A re-check covers the sheets received in one month or one quarter."""

    MONTH = "month"
    QUARTER = "quarter"


class SizeMode(enum.StrEnum):
    """Per agency: a number of sheets, or a percentage of that agency's sheets."""

    COUNT = "count"
    PERCENT = "percent"


class Outcome(enum.StrEnum):
    """What the re-check officer found when contacting the respondent."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    UNREACHABLE = "unreachable"
    DENIED = "denied"
    DIFFERS = "differs"


OUTCOME_LABELS = {
    Outcome.PENDING: _l("Not yet contacted"),
    Outcome.CONFIRMED: _l("Confirmed"),
    Outcome.UNREACHABLE: _l("Could not reach"),
    Outcome.DENIED: _l("Respondent denies"),
    Outcome.DIFFERS: _l("Answers differ"),
}
PERIOD_LABELS = {PeriodKind.MONTH: _l("Month"), PeriodKind.QUARTER: _l("Quarter")}


class RecheckDraw(db.Model):
    """A frozen random sample of one period's approved sheets, stratified by agency."""

    __tablename__ = "recheck_draws"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    period_kind: Mapped[PeriodKind] = mapped_column(enum_column(PeriodKind))
    period: Mapped[str] = mapped_column(String(16))  # 2026-03 or 2026-Q1
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)  # exclusive
    seed: Mapped[int] = mapped_column(Integer)
    size_mode: Mapped[SizeMode] = mapped_column(enum_column(SizeMode))
    size_value: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    survey = relationship("Survey")
    created_by = relationship("User")
    items: Mapped[list[RecheckItem]] = relationship(back_populates="draw",
                                                    order_by="RecheckItem.position")

    @property
    def size_text(self) -> str:
        """'20 per agency' or '5% per agency'."""
        if self.size_mode == SizeMode.PERCENT:
            return str(_l("%(n)d%% per agency", n=self.size_value))
        return str(_l("%(n)d per agency", n=self.size_value))


class RecheckItem(db.Model):
    """One drawn sheet and the re-check officer's outcome for it."""

    __tablename__ = "recheck_items"
    __table_args__ = (UniqueConstraint("draw_id", "sheet_id", name="uq_recheck_item_sheet"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("recheck_draws.id"), index=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("entry_sheets.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    enumerator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome), default=Outcome.PENDING)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    draw: Mapped[RecheckDraw] = relationship(back_populates="items")
    sheet = relationship("EntrySheet", lazy="joined")
    agency = relationship("Agency")
    enumerator = relationship("User", foreign_keys=[enumerator_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])

    @property
    def outcome_label(self) -> str:
        """The outcome in the user's language."""
        return str(OUTCOME_LABELS[self.outcome])

"""Re-check draws (frozen, seeded samples of approved sheets) and their outcomes."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
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

DRAWERS = (RoleName.MANAGER, RoleName.RECHECK)
RECHECKERS = (RoleName.RECHECK,)
# Sở Nội vụ appraises the re-check rule (with the plan) and any draw above it.
APPROVERS = (RoleName.HOME_AFFAIRS,)


class PeriodKind(enum.StrEnum):
    """A re-check covers the sheets received in one month or one quarter."""

    MONTH = "month"
    QUARTER = "quarter"


class SizeMode(enum.StrEnum):
    """Per agency: a number of sheets, or a percentage of that agency's sheets."""

    COUNT = "count"
    PERCENT = "percent"


class DrawState(enum.StrEnum):
    """A draw within the rule is made at once; one above it waits for Home Affairs."""

    DRAWN = "drawn"
    REQUESTED = "requested"
    REFUSED = "refused"


DRAW_STATE_LABELS = {
    DrawState.DRAWN: _l("Sample drawn"),
    DrawState.REQUESTED: _l("Awaiting Home Affairs"),
    DrawState.REFUSED: _l("Refused by Home Affairs"),
}


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


def size_text(mode: SizeMode, value: int) -> str:
    """'20 per agency' or '5% per agency'."""
    if mode == SizeMode.PERCENT:
        return str(_l("%(n)d%% per agency", n=value))
    return str(_l("%(n)d per agency", n=value))


class RecheckRule(db.Model):
    """The plan's re-check rule (III.2.d): which period and what share of each agency's
    sheets, set in advance by the manager and approved by Home Affairs, not chosen by the
    person who then sees the contacts.

    Agencies with at least ``monthly_from`` dossiers a year are re-checked every month, the
    others every quarter; without ``monthly_from`` every agency by ``period_kind``.
    """

    __tablename__ = "recheck_rules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), unique=True)
    period_kind: Mapped[PeriodKind] = mapped_column(enum_column(PeriodKind))
    monthly_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    size_mode: Mapped[SizeMode] = mapped_column(enum_column(SizeMode))
    size_value: Mapped[int] = mapped_column(Integer)
    basis: Mapped[str] = mapped_column(Text, default="")  # where the plan says so
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    approved_with_plan: Mapped[bool] = mapped_column(Boolean, default=False)
    survey = relationship("Survey")
    proposed_by = relationship("User", foreign_keys=[proposed_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])

    @property
    def approved(self) -> bool:
        """True once Home Affairs approved this version of the rule."""
        return self.approved_at is not None

    def period_for(self, dossiers: int) -> PeriodKind:
        """How often an agency with ``dossiers`` a year is re-checked."""
        if self.monthly_from is None:
            return self.period_kind
        return PeriodKind.MONTH if dossiers >= self.monthly_from else PeriodKind.QUARTER

    @property
    def size_text(self) -> str:
        """'20 per agency' or '5% per agency'."""
        return size_text(self.size_mode, self.size_value)


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
    # Above the plan's rule (a larger share, or a period drawn again): Home Affairs decides.
    state: Mapped[DrawState] = mapped_column(enum_column(DrawState), default=DrawState.DRAWN,
                                             server_default=DrawState.DRAWN.value)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    survey = relationship("Survey")
    created_by = relationship("User", foreign_keys=[created_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    items: Mapped[list[RecheckItem]] = relationship(back_populates="draw",
                                                    order_by="RecheckItem.position")

    @property
    def size_text(self) -> str:
        """'20 per agency' or '5% per agency'."""
        return size_text(self.size_mode, self.size_value)

    @property
    def state_label(self) -> str:
        """The state in the user's language."""
        return str(DRAW_STATE_LABELS[self.state])


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

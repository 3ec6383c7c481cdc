"""Re-check results summarised per agency and per enumerator."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..auth.models import User
from ..directory.models import Agency
from ..extensions import db
from .models import Outcome, RecheckDraw, RecheckItem


@dataclass
class OutcomeRow:
    """Counts of outcomes for one agency or enumerator."""

    label: str
    counts: Counter = field(default_factory=Counter)

    @property
    def drawn(self) -> int:
        """Sheets drawn."""
        return sum(self.counts.values())

    @property
    def contacted(self) -> int:
        """Sheets with an outcome other than 'could not reach' or pending."""
        return self.drawn - self.counts[Outcome.PENDING] - self.counts[Outcome.UNREACHABLE]

    @property
    def confirmed_share(self) -> float | None:
        """Confirmed among those reached (None if nobody was reached)."""
        return self.counts[Outcome.CONFIRMED] / self.contacted if self.contacted else None




def summarise(survey_id: int, by: str, draw_id: int | None = None) -> list[OutcomeRow]:
    """Outcome counts by 'agency' or 'enumerator' over a survey's draws (or one draw)."""
    col = RecheckItem.agency_id if by == "agency" else RecheckItem.enumerator_id
    q = (select(col, RecheckItem.outcome, func.count()).join(RecheckDraw)
         .where(RecheckDraw.survey_id == survey_id).group_by(col, RecheckItem.outcome))
    if draw_id is not None:
        q = q.where(RecheckItem.draw_id == draw_id)
    model, attr = (Agency, "name") if by == "agency" else (User, "name")
    rows: dict[object, OutcomeRow] = {}
    for key, outcome, n in db.session.execute(q):
        if key not in rows:
            obj = db.session.get(model, key) if key is not None else None
            rows[key] = OutcomeRow(getattr(obj, attr) if obj else "—")
        rows[key].counts[Outcome(outcome)] += n
    return sorted(rows.values(), key=lambda r: r.label)

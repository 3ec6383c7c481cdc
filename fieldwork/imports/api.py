"""What other features read from imported results (for combined reporting by channel)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import case, func, select

from ..extensions import db
from .models import Channel, ImportedResponse


def satisfaction_counts(survey_id: int, channels: Iterable[Channel | str] | None = None
                        ) -> dict[tuple[int, str], tuple[int, int]]:
    """{(agency_id, channel): (satisfied, answers)} of a survey's imported results."""
    q = (select(ImportedResponse.agency_id, ImportedResponse.channel,
                func.sum(case((ImportedResponse.satisfied.is_(True), 1), else_=0)),
                func.count())
         .where(ImportedResponse.survey_id == survey_id)
         .group_by(ImportedResponse.agency_id, ImportedResponse.channel))
    if channels is not None:
        q = q.where(ImportedResponse.channel.in_([Channel(c) for c in channels]))
    return {(agency, Channel(channel).value): (int(yes or 0), int(n))
            for agency, channel, yes, n in db.session.execute(q)}


def reason_counts(survey_id: int, channel: Channel | str | None = None) -> dict[str, int]:
    """How often each reason code was given by the not-satisfied imported answers."""
    q = select(ImportedResponse.reasons).where(ImportedResponse.survey_id == survey_id,
                                               ImportedResponse.satisfied.is_(False))
    if channel is not None:
        q = q.where(ImportedResponse.channel == Channel(channel))
    out: dict[str, int] = {}
    for reasons in db.session.scalars(q.execution_options(yield_per=5000)):
        for code in reasons or []:
            out[code] = out.get(code, 0) + 1
    return out

"""What the reports package contributes to the six steps (``plans.registry``)."""

from __future__ import annotations

from ..plans import registry
from ..plans.models_workflow import Step


def _round_attachment(survey, agency_id: int):
    from .drafts import round_attachment
    return round_attachment(survey, agency_id)


def _publish(survey, user) -> dict:
    """Step 6 publishes: the newest synthesis draft is marked published, freezing the drafts."""
    from .drafts import mark_published
    draft = mark_published(survey, user)
    return {"report_draft": draft.number if draft is not None else None}


def _narrative_gaps(survey) -> list[str]:
    from .readiness import narrative_gaps
    return narrative_gaps(survey)


def register() -> None:
    """Register the comment rounds' drafts, the check that no draft sent to agencies has an
    empty narrative part, and the publication of the synthesis draft."""
    registry.register_service("round_attachment", _round_attachment)
    registry.register_check(Step.COMMENTS, "open_round", "reports.narrative", _narrative_gaps)
    registry.register_effect(Step.ACCEPTANCE, "publish", "reports.publish", _publish)

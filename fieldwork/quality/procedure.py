"""What the re-check package contributes to the six steps (``plans.registry``)."""

from __future__ import annotations

from ..plans import registry
from ..plans.models_workflow import Step


def _approve_rule_with_plan(survey, user) -> dict | None:
    """Appraising the plan approves its re-check rule as it stands (if not yet approved)."""
    from .rule import approve_rule, rule_of

    rule = rule_of(survey.id)
    if rule is None or rule.approved:
        return None
    approve_rule(rule, user, with_plan=True)
    return {"recheck_rule": f"{rule.period_kind.value}, {rule.size_value} "
                            f"{rule.size_mode.value}, monthly from {rule.monthly_from}"}


def register() -> None:
    """Register the approval of the re-check rule by the plan's appraisal."""
    registry.register_effect(Step.PLAN, "appraise", "quality.recheck_rule",
                             _approve_rule_with_plan)

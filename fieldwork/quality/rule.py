"""The plan's re-check rule: set by the manager, approved by Home Affairs (audited).

The rule is part of the plan that Sở Nội vụ appraises (seed 002, III.2.d: re-checks by month
or quarter depending on each unit's volume): appraising the plan approves the rule as it
stands (``procedure.py``); a rule set or changed after that waits for Home Affairs to approve
it on the re-check approvals page. Only an approved rule lets anyone draw.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.operations import record
from ..errors import OperationError
from ..extensions import db
from ..plans.operations import require
from ..timeutil import utcnow
from .models import APPROVERS, PeriodKind, RecheckRule, SizeMode

MAX_BASIS = 500


def rule_of(survey_id: int) -> RecheckRule | None:
    """The survey's re-check rule (approved or not), or None."""
    return db.session.scalar(select(RecheckRule).where(RecheckRule.survey_id == survey_id))


def _snapshot(rule: RecheckRule) -> dict:
    return {"period_kind": rule.period_kind.value, "monthly_from": rule.monthly_from,
            "size": f"{rule.size_value} {rule.size_mode.value}", "basis": rule.basis}


def set_rule(survey, data: dict, user) -> RecheckRule:
    """Set {period_kind, monthly_from?, size_mode, size_value, basis} (manager; audited).

    A change of an approved rule needs Home Affairs' approval again.
    """
    from ..auth.roles import RoleName

    require(user, RoleName.MANAGER)
    try:
        kind, mode = PeriodKind(data.get("period_kind")), SizeMode(data.get("size_mode"))
        value = int(data.get("size_value"))
        monthly = data.get("monthly_from")
        monthly = int(monthly) if monthly not in (None, "", 0, "0") else None
    except (TypeError, ValueError):
        raise OperationError(_("Choose the period and the share, as whole numbers.")) from None
    if value <= 0 or (mode == SizeMode.PERCENT and value > 100):
        raise OperationError(_("The size must be a positive number (a percentage at most 100)."))
    if monthly is not None and monthly <= 0:
        raise OperationError(_("The number of dossiers for a monthly re-check must be "
                               "positive."))
    basis = (data.get("basis") or "").strip()
    if not basis or len(basis) > MAX_BASIS:
        raise OperationError(_("Say where the plan sets this rule (at most %(n)d characters).",
                               n=MAX_BASIS))
    rule = rule_of(survey.id)
    before = _snapshot(rule) if rule is not None else None
    if rule is None:
        rule = RecheckRule(survey_id=survey.id)
        db.session.add(rule)
    rule.period_kind, rule.monthly_from, rule.size_mode, rule.size_value = (kind, monthly, mode,
                                                                            value)
    rule.basis = basis
    if before == _snapshot(rule):
        return rule
    rule.proposed_by_id, rule.proposed_at = getattr(user, "id", None), utcnow()
    rule.approved_by_id, rule.approved_at, rule.approved_with_plan = None, None, False
    db.session.flush()
    record(user, "quality.recheck_rule", rule, before=before, after=_snapshot(rule))
    return rule


def approve_rule(rule: RecheckRule, user, with_plan: bool = False) -> RecheckRule:
    """Home Affairs approves the rule as it stands (directly, or by appraising the plan)."""
    require(user, *APPROVERS)
    if rule.approved:
        raise OperationError(_("This rule is already approved."))
    rule.approved_by_id, rule.approved_at = getattr(user, "id", None), utcnow()
    rule.approved_with_plan = with_plan
    db.session.flush()
    record(user, "quality.recheck_rule_approve", rule,
           after={**_snapshot(rule), "with_plan": with_plan})
    return rule


def approved_rule(survey_id: int) -> RecheckRule:
    """The survey's approved rule; OperationError saying what is missing otherwise."""
    rule = rule_of(survey_id)
    if rule is None:
        raise OperationError(_("The plan sets no re-check rule yet: the manager sets it (period "
                               "and share per agency), and Home Affairs approves it with the "
                               "plan or on its own."))
    if not rule.approved:
        raise OperationError(_("The re-check rule awaits Home Affairs' approval; nothing can be "
                               "drawn before."))
    return rule

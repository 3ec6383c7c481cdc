"""What the reports package contributes to the six steps (``plans.registry``): the report
drafts step 4 needs, what a comment round sends, and the publication of step 6."""

from __future__ import annotations

from flask_babel import gettext as _

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


def draft_status(survey) -> dict:
    """{"synthesis": bool, "agencies": {agency id: attachment or None}}: the synthesis draft
    (generated, or uploaded in step 4) and what step 5 would send each agency in scope."""
    from ..plans import attachments
    from ..plans.models_docs import DocKind
    from .drafts import latest_draft, round_attachment
    from .models import ReportScope, scope_key

    synthesis = (latest_draft(survey, scope_key(ReportScope.SYNTHESIS)) is not None
                 or attachments.latest(survey, DocKind.REPORT_DRAFT) is not None)
    agencies = {row.agency_id: None for row in survey.scope}
    for agency_id in agencies:
        agencies[agency_id] = round_attachment(survey, agency_id)
    return {"synthesis": synthesis, "agencies": agencies}


def drafts_ready(survey) -> list[str]:
    """Step 4's drafts: a synthesis draft, and for each agency in scope a draft of its
    results or a written explanation; the reasons name what is missing."""
    status = draft_status(survey)
    reasons = []
    if not status["synthesis"]:
        reasons.append(_("Make the draft synthesis report (Reports page) or attach it."))
    explained = {row.agency_id for row in survey.scope if (row.draft_note or "").strip()}
    names = {row.agency_id: row.agency.name for row in survey.scope}
    missing = [names[a] for a, att in status["agencies"].items()
               if att is None and a not in explained]
    if missing:
        reasons.append(_("No draft of its results and no written explanation for: %(names)s.",
                         names=", ".join(missing)))
    return reasons


def _panel(survey) -> dict:
    return {"drafts": draft_status(survey)}


def _issued(survey) -> list[str]:
    """Step 6 "issue" needs the issued report recorded: number, date and recipients."""
    from .dispatch import issue_of
    if issue_of(survey) is None:
        return [_("Issue the report on the Reports page first (number, date and recipients), "
                  "so that whom it was sent to is recorded and printed in “Nơi nhận”.")]
    return []


def _issued_report(survey):
    """The issued report's file for the public (its PDF, else its DOCX), or None."""
    from .dispatch import issue_of
    issue = issue_of(survey)
    return (issue.pdf or issue.docx) if issue is not None else None


def _issue_panel(survey) -> dict | None:
    """Step 6's view of the issue: the issued report (number, date, recipients, files), or
    once Home Affairs has appraised it, where to issue it; None before that."""
    from .dispatch import issue_form, issue_of
    issue = issue_of(survey)
    if issue is None and issue_form(survey) is None:
        return None
    return {"issue": issue}


def register() -> None:
    """Register the comment rounds' drafts and the check that no draft sent to agencies has an
    empty narrative part; step 4's draft check and panel; the publication of step 6."""
    registry.register_service("round_attachment", _round_attachment)
    registry.register_check(Step.COMMENTS, "open_round", "reports.narrative", _narrative_gaps)
    registry.register_service("report_drafts", draft_status)
    registry.register_check(Step.PROCESSING, "complete_drafts", "reports.drafts", drafts_ready)
    registry.register_panel(Step.PROCESSING, "reports.drafts", "reports/_step4_panel.html",
                            _panel)
    registry.register_check(Step.ACCEPTANCE, "issue", "reports.issued", _issued)
    registry.register_panel(Step.ACCEPTANCE, "reports.issue", "reports/_step6_panel.html",
                            _issue_panel)
    registry.register_effect(Step.ACCEPTANCE, "publish", "reports.publish", _publish)
    registry.register_service("issued_report", _issued_report)

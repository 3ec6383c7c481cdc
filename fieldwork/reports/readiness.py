"""Whether the report drafts may go to the agencies: a comment round (step 5) cannot open
while a draft it would send still has an empty narrative part (seed 002 III.3.d: situation
and reasons for the fields, shortcomings, recommendations). Registered as a gate check."""

from __future__ import annotations

from flask_babel import gettext as _

from ..plans import attachments
from ..plans.models_docs import DocKind
from .drafts import NARRATIVE_PARTS, draft_of_attachment, latest_draft
from .models import ReportScope, scope_key


def _empty_parts(draft) -> list[str]:
    labels = {"situation": _("situation and reasons for the fields"),
              "shortcomings": _("shortcomings"), "recommendations": _("recommendations")}
    return [labels[k] for k in ("situation", *NARRATIVE_PARTS)
            if not (getattr(draft, k) or "").strip()]


def narrative_gaps(survey) -> list[str]:
    """Reasons a round cannot open yet: the newest synthesis draft, or an agency's draft the
    round would send, was made with an empty part (the plan's situation and reasons for the
    fields, the shortcomings or the recommendations), so it prints a placeholder there."""
    gaps = []
    synthesis = latest_draft(survey, scope_key(ReportScope.SYNTHESIS))
    if synthesis is not None and _empty_parts(synthesis):
        gaps.append(_("synthesis report, version %(n)d: %(parts)s", n=synthesis.number,
                      parts=", ".join(_empty_parts(synthesis))))
    for agency_id in sorted({s.agency_id for s in survey.scope}):
        att = attachments.latest(survey, DocKind.AGENCY_DRAFT, agency_id)
        draft = draft_of_attachment(att.id) if att is not None else None
        if draft is not None and _empty_parts(draft):
            gaps.append(_("%(agency)s, version %(n)d: %(parts)s", agency=draft.agency.name,
                          n=draft.number, parts=", ".join(_empty_parts(draft))))
    if not gaps:
        return []
    return [_("These report drafts still have empty parts, and the agencies would receive "
              "placeholders: %(list)s. Write them (the situation and reasons for the fields "
              "in the plan) and make a new version before opening a round.",
              list="; ".join(gaps))]

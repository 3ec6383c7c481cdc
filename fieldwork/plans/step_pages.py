"""What each step page shows, read from the database for the current user."""

from __future__ import annotations

from collections import Counter

from flask_login import current_user
from sqlalchemy import select

from ..auth.roles import RoleName
from ..directory.models import Agency, Field
from ..documents.checks import problems
from ..extensions import db
from . import attachments, forms_link, registry, sampling
from .docx_export import plan_document
from .final_report import HOW_LABELS, accepted_report, finals
from .models import Survey
from .models_docs import DOC_KIND_LABELS, DocKind
from .models_fieldwork import (
    DISPOSITION_LABELS,
    Assignment,
    ConsultationComment,
    PilotRecord,
    TrainingSession,
)
from .models_review import (
    DECISION_LABELS,
    OUTCOME_LABELS,
    RESPONSE_LABELS,
    VOTE_LABELS,
    CommentRound,
    Council,
    Publication,
    WrittenOpinion,
)
from .models_workflow import PLAN_SECTIONS, SECTION_LABELS, Step, StepState
from .notifications import users_with
from .operations_fieldwork import passed_enumerators
from .progress import progress, requirements
from .sampling_text import ADOPTION, POLICY_LABELS, ROUNDING_LABELS
from .steps import ensure, plan_of


def _docs(survey: Survey, *kinds: DocKind) -> dict:
    published = db.session.scalar(select(Publication.id).where(
        Publication.survey_id == survey.id)) is not None
    visible = [a for a in attachments.of_survey(survey, kinds)
               if a.can_download(current_user, published=published)]
    return {"docs": visible, "upload_kinds": [(k.value, DOC_KIND_LABELS[k]) for k in kinds
                                              if attachments.can_upload(current_user, k)]}


def plan_page(survey: Survey) -> dict:
    """Step 1: sections, policy, scope with required samples, header, documents."""
    in_scope = {s.agency_id for s in survey.scope}
    agencies = [a for a in db.session.scalars(select(Agency).order_by(Agency.name))
                if a.id not in in_scope]
    state = ensure(survey)[Step.PLAN].state
    return {
        "sections": [(k, SECTION_LABELS[k]) for k in PLAN_SECTIONS],
        "requirements": requirements(survey),
        "adoption": ADOPTION.get(plan_of(survey).sample_policy),
        "policies": [(p, POLICY_LABELS[p]) for p in sampling.POLICIES],
        "roundings": list(ROUNDING_LABELS.items()),
        "free_agencies": agencies,
        "fields": db.session.scalars(select(Field).order_by(Field.code)).all(),
        "editable": current_user.has_role(RoleName.MANAGER)
        and state in (StepState.DRAFT, StepState.RETURNED),
        "header_editable": current_user.has_role(RoleName.MANAGER) and state != StepState.ISSUED,
        "document_problems": problems(plan_document(survey)),
        **_docs(survey, DocKind.PLAN_SIGNED, DocKind.APPRAISAL, DocKind.OTHER),
    }


def questionnaire_page(survey: Survey) -> dict:
    """Step 2: versions from the forms package, consultation comments, pilots."""
    return {
        "forms_installed": forms_link.api() is not None,
        "versions": forms_link.versions(survey),
        "questionnaire_url": forms_link.questionnaire_url(survey),
        "version_url": lambda number: forms_link.version_url(survey, number),
        "comments": db.session.scalars(select(ConsultationComment).where(
            ConsultationComment.survey_id == survey.id).order_by(ConsultationComment.id)).all(),
        "dispositions": list(DISPOSITION_LABELS.items()),
        "pilots": db.session.scalars(select(PilotRecord).where(
            PilotRecord.survey_id == survey.id).order_by(PilotRecord.id)).all(),
        **_docs(survey, DocKind.CONSULTATION, DocKind.PILOT),
    }


def assignment_counts(assignments, per_range: dict) -> dict:
    """{assignment id: Counter} of the sheets in the system from each assignment's ranges."""
    return {a.id: sum((per_range.get(r.id, Counter()) for r in a.ranges), Counter())
            for a in assignments}


def fieldwork_page(survey: Survey) -> dict:
    """Step 3: training sessions, assignments with serial ranges, progress."""
    items, total = progress(survey)
    assignments = db.session.scalars(select(Assignment).where(
        Assignment.survey_id == survey.id).order_by(Assignment.id)).all()
    if not current_user.has_role(RoleName.MANAGER, RoleName.HOME_AFFAIRS):
        assignments = [a for a in assignments if a.enumerator_id == current_user.id]
    return {
        "sessions": db.session.scalars(select(TrainingSession).where(
            TrainingSession.survey_id == survey.id).order_by(TrainingSession.held_on)).all(),
        "enumerators": users_with(RoleName.ENUMERATOR),
        "passed": passed_enumerators(survey),
        "assignments": assignments,
        "progress": items, "total": total, "range_counts": total["ranges"],
        "assignment_counts": assignment_counts(assignments, total["ranges"]),
        **_docs(survey, DocKind.TRAINING),
    }


def processing_page(survey: Survey) -> dict:
    """Step 4: approved sheets per agency against the sample, the response rates of the
    draw, report drafts per agency, and the written explanations the gate accepts."""
    items, total = progress(survey)
    drafts = registry.service("report_drafts")
    status = drafts(survey) if drafts else None
    notes = {}
    for row in survey.scope:
        notes.setdefault(row.agency_id, row.draft_note or "")
    return {"progress": items, "total": total, "drafts": status, "draft_notes": notes,
            "scope_agencies": list({s.agency_id: s.agency for s in survey.scope}.values()),
            **_docs(survey, DocKind.REPORT_DRAFT, DocKind.AGENCY_DRAFT)}


def comments_page(survey: Survey) -> dict:
    """Step 5: rounds; an agency reviewer sees only its own draft and comments."""
    rounds = db.session.scalars(select(CommentRound).where(
        CommentRound.survey_id == survey.id).order_by(CommentRound.number.desc())).all()
    own_only = not current_user.has_role(RoleName.MANAGER, RoleName.HOME_AFFAIRS)
    agency_id = current_user.agency_id if current_user.has_role(RoleName.AGENCY) else None
    view = []
    for rnd in rounds:
        drafts, comments = rnd.drafts, rnd.comments
        if own_only:
            # An agency sees its own draft and comments; an enumerator only the comments
            # whose on-site verification is assigned to them.
            drafts = [d for d in drafts if agency_id is not None and d.agency_id == agency_id]
            comments = [c for c in comments
                        if (agency_id is not None and c.agency_id == agency_id)
                        or any(t.assignee_id == current_user.id for t in c.verifications)]
        view.append({"round": rnd, "drafts": drafts, "comments": comments})
    return {
        "rounds": view, "own_only": own_only,
        "responses": list(RESPONSE_LABELS.items()),
        "outcomes": list(OUTCOME_LABELS.items()),
        "assignees": users_with(RoleName.MANAGER, RoleName.ENUMERATOR),
    }


def acceptance_page(survey: Survey) -> dict:
    """Step 6: opinions or council, appraisal, final report, publication."""
    return {
        "opinions": db.session.scalars(select(WrittenOpinion).where(
            WrittenOpinion.survey_id == survey.id).order_by(WrittenOpinion.id)).all(),
        "council": db.session.scalar(select(Council).where(Council.survey_id == survey.id)),
        "decisions": list(DECISION_LABELS.items()),
        "votes": list(VOTE_LABELS.items()),
        "publication": db.session.scalar(select(Publication).where(
            Publication.survey_id == survey.id)),
        "accepted": accepted_report(survey), "finals": finals(survey),
        "accepted_how": HOW_LABELS,
        **_docs(survey, DocKind.FINAL_REPORT, DocKind.APPRAISAL, DocKind.OTHER),
    }


CONTEXT = {
    Step.PLAN: plan_page,
    Step.QUESTIONNAIRE: questionnaire_page,
    Step.FIELDWORK: fieldwork_page,
    Step.PROCESSING: processing_page,
    Step.COMMENTS: comments_page,
    Step.ACCEPTANCE: acceptance_page,
}

"""What other packages (the workflow, entry, OMR) may ask about questionnaires and printing."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import PrintBatch, QuestionnaireVersion, VersionStatus


def versions(survey) -> list[QuestionnaireVersion]:
    """All questionnaire versions of a survey, oldest first."""
    return list(db.session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.survey_id == survey.id).order_by(QuestionnaireVersion.number)))


def has_approved_version(survey) -> bool:
    """True once Home Affairs has approved at least one version (the fieldwork gate)."""
    return db.session.scalar(select(QuestionnaireVersion.id).where(
        QuestionnaireVersion.survey_id == survey.id,
        QuestionnaireVersion.status == VersionStatus.APPROVED).limit(1)) is not None


def serials_printed(survey, first: int, last: int) -> bool:
    """True if every serial in ``first..last`` was printed live (not pilot) for this survey."""
    if last < first:
        return False
    batches = db.session.scalars(select(PrintBatch).where(
        PrintBatch.survey_id == survey.id, PrintBatch.pilot.is_(False),
        PrintBatch.first_serial <= last, PrintBatch.last_serial >= first
    ).order_by(PrintBatch.first_serial)).all()
    expected = first
    for b in batches:
        if b.first_serial > expected:
            return False
        expected = max(expected, b.last_serial + 1)
    return expected > last


def live_batches(survey) -> list[tuple[int, int, int | None, int | None]]:
    """(first serial, last serial, agency id, enumerator id) of each live printed batch."""
    return [tuple(r) for r in db.session.execute(select(
        PrintBatch.first_serial, PrintBatch.last_serial, PrintBatch.assigned_agency_id,
        PrintBatch.assigned_user_id).where(PrintBatch.survey_id == survey.id,
                                           PrintBatch.pilot.is_(False))
        .order_by(PrintBatch.first_serial))]

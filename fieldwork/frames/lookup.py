"""Finding a dossier of a survey's frame by its code (for the self-completion page)."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import FrameDossier


def normalise_code(code: str | None) -> str:
    """A dossier code as stored: surrounding blanks removed, upper case."""
    return (code or "").strip().upper()


def find_dossier(survey, code: str | None) -> FrameDossier | None:
    """The frame dossier of ``survey`` (object or id) with dossier code ``code``, or None."""
    key = normalise_code(code)
    if not key:
        return None
    survey_id = survey if isinstance(survey, int) else survey.id
    return db.session.scalar(select(FrameDossier).where(
        FrameDossier.survey_id == survey_id, FrameDossier.code == key))

"""What the questionnaire package contributes to the six steps (``plans.registry``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..plans import registry


def register() -> None:
    """Offer the questionnaire API (versions, approval, printed serials and batches), say
    who acts next in step 2 while a version waits for Home Affairs, and add the
    notification of a version's hand-off."""
    from ..plans import notifications
    from . import api
    registry.register_service("forms", api)
    registry.register_moves(2, "forms.submitted", submitted_moves)
    notifications.register_kind("questionnaire", _l(
        "%(code)s: questionnaire version %(version)s is now: %(status)s."), link=version_link,
        words=version_words)


def submitted_moves(survey, state) -> list | None:
    """While a version is submitted, Home Affairs acts next in step 2 (approve or return)."""
    from sqlalchemy import select

    from ..auth.roles import RoleName
    from ..extensions import db
    from .models import QuestionnaireVersion, VersionStatus

    number = db.session.scalar(select(QuestionnaireVersion.number).where(
        QuestionnaireVersion.survey_id == survey.id,
        QuestionnaireVersion.status == VersionStatus.SUBMITTED).order_by(
        QuestionnaireVersion.number).limit(1))
    if number is None:
        return None
    return [registry.Move((RoleName.HOME_AFFAIRS,),
                          _l("Approve or return questionnaire version %(n)s", n=number),
                          queue="forms.approve")]


def version_link(n) -> str | None:
    """A version notification opens the version's page."""
    from flask import url_for
    if n.survey is None or not (n.params or {}).get("version"):
        return None
    return url_for("forms.detail", code=n.survey.code, number=n.params["version"])


def version_words(params: dict) -> dict:
    """The version's status in the user's language."""
    from .models import VERSION_STATUS_LABELS, VersionStatus
    try:
        return {**params, "status": VERSION_STATUS_LABELS[VersionStatus(params["status"])]}
    except (KeyError, ValueError):
        return params

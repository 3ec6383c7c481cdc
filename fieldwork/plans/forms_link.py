"""What the workflow asks the questionnaire package, through the API it registered.

The forms package registers its ``api`` module as the service ``forms``
(``plans.registry``). Without it there is no approved version and serials cannot be
checked; callers then refuse with a clear message rather than guess.
"""

from __future__ import annotations

from flask import current_app, url_for

from . import registry


def api():
    """The forms API module, or None when the forms package registered none."""
    return registry.service("forms")


def has_approved_version(survey) -> bool:
    """True if Home Affairs approved at least one questionnaire version."""
    mod = api()
    return bool(mod and mod.has_approved_version(survey))


def versions(survey) -> list:
    """Questionnaire versions (with .number, .status, .id), oldest first; [] without forms."""
    mod = api()
    return list(mod.versions(survey)) if mod else []


def approved_numbers(survey) -> list[int]:
    """Numbers of approved versions."""
    return [v.number for v in versions(survey) if str(v.status) == "approved"]


def serials_printed(survey, first: int, last: int) -> bool | None:
    """True/False from the forms package; None when serials cannot be checked at all."""
    mod = api()
    if mod is None or not hasattr(mod, "serials_printed"):
        return None
    return bool(mod.serials_printed(survey, first, last))


def questionnaire_url(survey) -> str | None:
    """Link to the questionnaire pages when that endpoint exists."""
    if "forms.index" in current_app.view_functions:
        return url_for("forms.index", code=survey.code)
    return None


def version_url(survey, number: int) -> str | None:
    """Link to one questionnaire version when that endpoint exists."""
    if "forms.detail" in current_app.view_functions:
        return url_for("forms.detail", code=survey.code, number=number)
    return None

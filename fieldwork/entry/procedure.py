"""What the entry package contributes to the six steps (``plans.registry``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..plans import registry


def register() -> None:
    """Offer the counts of the sheets in the system that measure fieldwork progress, and
    add the notification of a sheet's review hand-off."""
    from ..plans import notifications
    from .progress import sheet_counts
    registry.register_service("sheet_counts", sheet_counts)
    notifications.register_kind("sheet", _l("%(code)s: sheet %(serial)s is now: %(state)s."),
                                link=sheet_link, words=sheet_words)


def sheet_link(n) -> str | None:
    """A sheet notification opens the sheet's review page."""
    from flask import url_for
    serial = (n.params or {}).get("serial")
    if n.survey is None or not serial:
        return None
    return url_for("entry.review", code=n.survey.code, serial=int(serial))


def sheet_words(params: dict) -> dict:
    """The sheet's review state in the user's language."""
    from .models import REVIEW_STATE_LABELS, ReviewState
    try:
        return {**params, "state": REVIEW_STATE_LABELS[ReviewState(params["state"])]}
    except (KeyError, ValueError):
        return params

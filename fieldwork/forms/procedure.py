"""What the questionnaire package contributes to the six steps (``plans.registry``)."""

from __future__ import annotations

from ..plans import registry


def _fonts():
    from .fonts import register_fonts
    return register_fonts()


def register() -> None:
    """Offer the questionnaire API (versions, approval, printed serials) and the PDF fonts."""
    from . import api
    registry.register_service("forms", api)
    registry.register_service("fonts", _fonts)

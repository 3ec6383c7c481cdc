"""What the questionnaire package contributes to the six steps (``plans.registry``)."""

from __future__ import annotations

from ..plans import registry


def register() -> None:
    """Offer the questionnaire API: versions, approval, printed serials and batches."""
    from . import api
    registry.register_service("forms", api)

"""What the frames package contributes to the six steps (``plans.registry``)."""

from __future__ import annotations

from ..plans import registry


def register() -> None:
    """Offer the response rates of the current draw, per agency and overall."""
    from .outcomes import response_rates
    registry.register_service("response_rates", response_rates)

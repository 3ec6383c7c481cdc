"""What the entry package contributes to the six steps (``plans.registry``)."""

from __future__ import annotations

from ..plans import registry


def register() -> None:
    """Offer the counts of the sheets in the system that measure fieldwork progress."""
    from .progress import sheet_counts
    registry.register_service("sheet_counts", sheet_counts)

"""Append-only audit log: every state change in fieldwork writes one event."""

from .operations import record

__all__ = ["record"]

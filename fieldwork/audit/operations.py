"""Writing audit events."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from .models import AuditEvent

SYSTEM = "system"


def _jsonable(value: Any) -> Any:
    """Make before/after values storable as JSON (dates and enums become text)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return str(value)


def record(actor, action: str, obj: Any = None, *, object_type: str | None = None,
           object_id: Any = None, before: dict | None = None, after: dict | None = None,
           reason: str | None = None) -> AuditEvent:
    """Add one audit event to the session and flush it; the caller commits."""
    if obj is not None:
        object_type = object_type or getattr(obj, "__tablename__", type(obj).__name__)
        if object_id is None:
            object_id = getattr(obj, "id", None)
    if actor is not None and getattr(actor, "is_authenticated", True) and hasattr(actor, "email"):
        actor_id, label = actor.id, actor.email
    else:
        actor_id, label = None, str(actor) if isinstance(actor, str) else SYSTEM
    ev = AuditEvent(
        actor_id=actor_id, actor_label=label, object_type=object_type or "app",
        object_id=None if object_id is None else str(object_id), action=action,
        before=_jsonable(before), after=_jsonable(after), reason=reason,
    )
    db.session.add(ev)
    db.session.flush()
    return ev

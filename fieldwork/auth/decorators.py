"""Permission decorators for views: sign-in and role checks (per-object checks are on models)."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .roles import RoleName


def roles_required(*roles: RoleName):
    """Allow the view only to signed-in users holding at least one of ``roles`` (else 403)."""
    if not roles:
        raise ValueError("roles_required needs at least one role")

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = tuple(roles)
        return wrapped

    return decorator


def check(allowed: bool) -> None:
    """Abort with 403 unless ``allowed`` (for per-object ``can_*`` checks in views)."""
    if not allowed:
        abort(403)

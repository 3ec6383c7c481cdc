"""Users, roles, sign-in and permission checks."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager

from ..extensions import db


def load_session_user(user_id: str):
    """The user a session names ('id:version'), or None when that session was ended.

    The version is the user's ``session_version`` at sign-in; sign-out, a password or role
    change, deactivation and "sign out everywhere" raise it, so every copy of the cookie
    (other browsers, other worker processes, a saved copy) stops working at once.
    """
    from .models import User

    ident, _, version = (user_id or "").partition(":")
    if not ident.isdigit() or not version.isdigit():
        return None  # a cookie from before session versions: sign in again
    user = db.session.get(User, int(ident))
    if user is None or not user.active or int(version) != (user.session_version or 0):
        return None
    return user


def init_auth(app: Flask, login_manager: LoginManager) -> None:
    """Bind Flask-Login (user loader, login page) and the per-request session checks."""
    from flask_babel import lazy_gettext as _l

    from .sessions import init_sessions

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "warning"
    login_manager.user_loader(load_session_user)
    init_sessions(app)

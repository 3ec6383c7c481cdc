"""Per-request session checks: the idle timeout and the forced password change.

The session version (``fieldwork.auth.load_session_user``) ends sessions on the server's
word; these checks end a session left idle for ``SESSION_IDLE_MINUTES`` and keep a user
who signed in with a one-time password on the password page until they choose their own.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

SEEN = "_seen"  # when the session last made a request (epoch seconds)
_SEEN_EVERY = 30  # rewrite the stamp (and so the cookie) at most this often
# Endpoints that never touch the session state (assets, probes).
_PASSIVE = {"static", "bootstrap.static", "main.healthz"}
# What a user who must change the password may still do.
_WHILE_MUST_CHANGE = {"auth.change_password", "auth.logout", "auth.set_language"}


def _now() -> int:
    return int(time.time())


def clear_session() -> None:
    """Empty the session, keeping only the language choice."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def start_session() -> None:
    """A fresh session for a user about to be signed in (nothing from before carries over)."""
    clear_session()
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
    session[SEEN] = _now()


def _idle_timeout():
    if "_user_id" not in session:
        return None
    minutes = current_app.config.get("SESSION_IDLE_MINUTES") or 0
    now = _now()
    seen = session.get(SEEN)
    if minutes and isinstance(seen, int) and now - seen > minutes * 60:
        logout_user()
        clear_session()
        flash(_("You were signed out after %(n)d minutes without activity. Please sign in "
                "again.", n=minutes), "warning")
        return None
    if not isinstance(seen, int) or now - seen >= _SEEN_EVERY:
        session[SEEN] = now
    return None


def _must_change_password():
    if (request.endpoint not in _WHILE_MUST_CHANGE and current_user.is_authenticated
            and current_user.must_change_password):
        flash(_("Your password was reset by an administrator. Choose your own password to "
                "continue."), "warning")
        return redirect(url_for("auth.change_password"))
    return None


def check_session():
    """Before each request: end an idle session, hold a forced password change."""
    if request.endpoint in _PASSIVE:
        return None
    return _idle_timeout() or _must_change_password()


def init_sessions(app: Flask) -> None:
    """Run the checks before every request."""
    app.before_request(check_session)

"""Optional e-mail copies of notifications; off unless PLANS_EMAIL_NOTIFICATIONS is set.

Settings come from the app config or, failing that, the environment: PLANS_EMAIL_NOTIFICATIONS
("1" to enable), PLANS_SMTP_HOST, PLANS_SMTP_PORT (25), PLANS_SMTP_STARTTLS ("1"),
PLANS_SMTP_USER, PLANS_SMTP_PASSWORD, PLANS_MAIL_FROM. Sending happens in the CLI command
``fieldwork notify-email`` (run it from cron), after the notifications were committed, so a
rolled-back change never sends mail.
"""

from __future__ import annotations

import os
import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from ..timeutil import utcnow
from .models_docs import Notification
from .notifications import render


def setting(name: str, default: str = "") -> str:
    """A mail setting from the app config, else the environment."""
    value = current_app.config.get(name)
    if value is None:
        value = os.environ.get(name, default)
    return str(value)


def enabled() -> bool:
    """True only when e-mail is switched on and a server is configured."""
    return setting("PLANS_EMAIL_NOTIFICATIONS").lower() in ("1", "true", "yes", "on") and bool(
        setting("PLANS_SMTP_HOST"))


def send_pending(limit: int = 200) -> int:
    """E-mail unsent notifications of active users; mark them sent; return how many."""
    rows = db.session.execute(
        select(Notification, User).join(User, User.id == Notification.user_id)
        .where(Notification.emailed_at.is_(None), Notification.read_at.is_(None),
               Notification.done_at.is_(None),
               User.active.is_(True))
        .order_by(Notification.id).limit(limit)).all()
    if not rows:
        return 0
    sender = setting("PLANS_MAIL_FROM", "fieldwork@localhost")
    with smtplib.SMTP(setting("PLANS_SMTP_HOST"), int(setting("PLANS_SMTP_PORT", "25")),
                      timeout=30) as smtp:
        if setting("PLANS_SMTP_STARTTLS").lower() in ("1", "true", "yes", "on"):
            smtp.starttls()
        if setting("PLANS_SMTP_USER"):
            smtp.login(setting("PLANS_SMTP_USER"), setting("PLANS_SMTP_PASSWORD"))
        for note, user in rows:
            with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
                msg = EmailMessage()
                msg["From"], msg["To"] = sender, user.email
                msg["Subject"] = _("fieldwork: %(text)s", text=render(note))[:200]
                msg.set_content(render(note) + "\n\n" + _("Sign in to fieldwork to act on it."))
            smtp.send_message(msg)
            note.emailed_at = utcnow()
    db.session.commit()
    return len(rows)

"""Language selection (Vietnamese first, English second) and locale-aware Jinja filters."""

from __future__ import annotations

import json

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import (
    Babel,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    get_locale,
)
from flask_login import current_user


def select_locale() -> str:
    """Pick the user's chosen language, else the session's, else Vietnamese."""
    langs = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and getattr(current_user, "is_authenticated", False):
        if current_user.locale in langs:
            return current_user.locale
    chosen = session.get("lang")
    if chosen in langs:
        return chosen
    # Vietnamese is the default whatever the browser says: the office PCs often run English
    # Windows, but the users read Vietnamese.
    if request and request.args.get("lang") in langs:
        return request.args["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_i18n(app: Flask, babel: Babel) -> None:
    """Bind Flask-Babel and register number/date filters used by templates."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["num"] = lambda v, fmt=None: "" if v is None else format_decimal(v, fmt)
    app.jinja_env.filters["pct"] = lambda v: "" if v is None else format_percent(v, "#,##0.00%")
    app.jinja_env.filters["date"] = lambda v: "" if v is None else format_date(v, "dd/MM/yyyy")
    # Audit values read as text (Vietnamese unescaped); Jinja's autoescape keeps HTML safe.
    app.jinja_env.filters["json_text"] = lambda v: json.dumps(v, ensure_ascii=False)
    app.jinja_env.filters["datetime"] = (
        lambda v: "" if v is None else format_datetime(v, "dd/MM/yyyy HH:mm"))

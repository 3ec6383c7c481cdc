"""Error pages and the domain error that operations raise for bad input."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from .extensions import db


class OperationError(Exception):
    """Bad input or a refused state change; the message is shown to the user as is."""


def _page(code: int, title: str, message: str):
    if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
        return {"error": title, "message": message}, code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register_error_handlers(app: Flask) -> None:
    """Install friendly 400/403/404/405/500 and CSRF pages (no stack trace reaches a user)."""

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        db.session.rollback()
        return _page(400, _("Form expired"),
                     _("The form was missing its security token or it expired. "
                       "Reload the page and try again; nothing was saved."))

    @app.errorhandler(400)
    def bad_request(e):
        return _page(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(403)
    def forbidden(e):
        return _page(403, _("Access denied"),
                     _("Your role does not allow this page or this object."))

    @app.errorhandler(404)
    def not_found(e):
        return _page(404, _("Not found"), _("The page or object does not exist."))

    @app.errorhandler(405)
    def not_allowed(e):
        return _page(405, _("Not allowed"), _("This action is not allowed here."))

    @app.errorhandler(500)
    def server_error(e):
        db.session.rollback()
        return _page(500, _("Server error"),
                     _("Something went wrong on our side; nothing was saved. "
                       "The error has been logged."))

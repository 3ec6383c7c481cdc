"""Home page: what the signed-in user's roles have to do."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from .extensions import db
from .plans.models import Survey

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """Dashboard for signed-in users; others go to the sign-in page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    surveys = [s for s in db.session.scalars(select(Survey).order_by(Survey.year.desc()))
               if s.can_view(current_user)]
    return render_template("index.html", surveys=surveys)


@bp.route("/healthz")
def healthz():
    """Liveness probe for the deployment."""
    return {"status": "ok"}

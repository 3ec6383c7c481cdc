"""Sign-in, sign-out, password change, language choice and user administration."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..directory.models import Agency
from ..errors import OperationError
from ..extensions import db
from ..security import limiter, login_limit, login_limit_off
from ..timeutil import utcnow
from . import operations as ops
from .decorators import roles_required
from .models import User
from .roles import ROLE_LABELS, RoleName
from .webforms import ChangePasswordForm, LoginForm, UserForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow relative redirects inside this site (no open redirect)."""
    if target and not urlsplit(target).netloc and target.startswith("/") \
            and not target.startswith("//"):
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], exempt_when=login_limit_off)
def login():
    """Sign in with e-mail and password (rate-limited per address; lock-out per account)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = ops.authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.commit()  # keep the failure count and any lock-out
            # One message for unknown, wrong, locked and inactive: no hint which it was.
            flash(_("Wrong e-mail or password, or the account is disabled.") + " "
                  + _("After %(n)d failed attempts in a row an account is locked for "
                      "%(m)d minutes.", n=current_app.config["LOGIN_MAX_FAILURES"],
                      m=current_app.config["LOGIN_LOCKOUT_MINUTES"]), "danger")
            return render_template("auth/login.html", form=form), 401
        lang = session.get("lang")
        session.clear()  # nothing from before the sign-in carries over
        if lang:
            session["lang"] = lang
        session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
        login_user(user)
        ops.record_login(user)
        db.session.commit()
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST only, so a link cannot sign someone out)."""
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            ops.change_password(current_user, form.data, current_user)
        except OperationError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return render_template("auth/change_password.html", form=form), 422
        db.session.commit()
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    """Switch the interface language (kept on the account when signed in)."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    if current_user.is_authenticated:
        ops.set_locale(current_user, code, current_user)
        db.session.commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/users")
@roles_required(RoleName.MANAGER)
def users():
    """List accounts."""
    rows = db.session.scalars(select(User).order_by(User.name)).all()
    now = utcnow()
    return render_template("auth/users.html", users=rows, labels=ROLE_LABELS,
                           locked={u.id for u in rows if u.locked_at(now)})


def _user_form() -> UserForm:
    form = UserForm()
    form.roles.choices = [SelectChoice(r.value, str(ROLE_LABELS[r])) for r in RoleName]
    agencies = db.session.scalars(select(Agency).order_by(Agency.name)).all()
    form.agency_id.choices = [SelectChoice(0, "—")] + [SelectChoice(a.id, a.name)
                                                       for a in agencies]
    return form


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(RoleName.MANAGER)
def new_user():
    """Create an account."""
    form = _user_form()
    if form.validate_on_submit():
        data = dict(form.data)
        data["agency_id"] = data.get("agency_id") or None
        try:
            user = ops.create_user(data, current_user)
        except OperationError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return render_template("auth/user_form.html", form=form), 422
        db.session.commit()
        flash(_("Account %(email)s created.", email=user.email), "success")
        return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required(RoleName.MANAGER)
def toggle_active(user_id: int):
    """Activate or deactivate an account (not one's own)."""
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "warning")
        return redirect(url_for("auth.users"))
    ops.set_active(user, not user.active, current_user, reason=request.form.get("reason"))
    db.session.commit()
    flash(_("Account %(email)s updated.", email=user.email), "success")
    return redirect(url_for("auth.users"))


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@roles_required(RoleName.MANAGER)
def unlock(user_id: int):
    """Lift a lock-out after repeated failed sign-ins (audited)."""
    user = db.get_or_404(User, user_id)
    try:
        ops.unlock(user, current_user, reason=request.form.get("reason"))
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for("auth.users"))
    db.session.commit()
    flash(_("Account %(email)s unlocked.", email=user.email), "success")
    return redirect(url_for("auth.users"))

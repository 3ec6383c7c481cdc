"""Sign-in, sign-out, password change and language choice (accounts: ``users_views``)."""

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

from ..errors import OperationError
from ..extensions import db
from ..security import limiter, login_limit, login_limit_off
from . import operations as ops
from .sessions import clear_session, start_session
from .webforms import ChangePasswordForm, LoginForm

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
        start_session()  # nothing from before the sign-in carries over
        login_user(user)
        ops.record_login(user)
        db.session.commit()
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out everywhere (POST only, so a link cannot sign someone out).

    The user's session version is raised, so a saved or stolen copy of this session's
    cookie, and the user's sessions in other browsers, stop working too.
    """
    if current_user.is_authenticated:
        ops.sign_out(current_user)
        db.session.commit()
    logout_user()
    clear_session()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password."""
    form = ChangePasswordForm()
    if current_user.must_change_password:
        form.current.label.text = _("One-time password")
    if form.validate_on_submit():
        try:
            ops.change_password(current_user, form.data, current_user)
        except OperationError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return render_template("auth/change_password.html", form=form), 422
        db.session.commit()
        user = current_user._get_current_object()
        start_session()  # the change ended every session, this one included: start anew
        login_user(user)
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


from . import users_views  # noqa: E402,F401  (account administration on this blueprint)

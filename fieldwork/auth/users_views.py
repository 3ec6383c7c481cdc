"""Account administration pages (managers): list, create, edit, reset a password, lock,
sign out everywhere. Each action is one audited operation."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..directory.models import Agency
from ..errors import OperationError
from ..extensions import db
from ..timeutil import utcnow
from . import accounts
from . import operations as ops
from .decorators import roles_required
from .models import User
from .roles import ROLE_LABELS, RoleName
from .views import bp
from .webforms import EditUserForm, UserForm


@bp.route("/users")
@roles_required(RoleName.MANAGER)
def users():
    """List accounts."""
    rows = db.session.scalars(select(User).order_by(User.name)).all()
    now = utcnow()
    return render_template("auth/users.html", users=rows, labels=ROLE_LABELS,
                           locked={u.id for u in rows if u.locked_at(now)})


def _choices(form):
    form.roles.choices = [SelectChoice(r.value, str(ROLE_LABELS[r])) for r in RoleName]
    agencies = db.session.scalars(select(Agency).order_by(Agency.name)).all()
    form.agency_id.choices = [SelectChoice(0, "—")] + [SelectChoice(a.id, a.name)
                                                       for a in agencies]
    return form


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(RoleName.MANAGER)
def new_user():
    """Create an account."""
    form = _choices(UserForm())
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


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(RoleName.MANAGER)
def edit_user(user_id: int):
    """Change an account's name, e-mail, roles and agency (a role change signs them out)."""
    user = db.get_or_404(User, user_id)
    form = _choices(EditUserForm(obj=None if request.method == "POST" else user))
    if request.method == "GET":
        form.roles.data = sorted(user.role_names)
        form.agency_id.data = user.agency_id or 0
    if form.validate_on_submit():
        data = {"name": form.name.data, "email": form.email.data, "roles": form.roles.data,
                "agency_id": form.agency_id.data or None}
        try:
            changed = accounts.edit_user(user, data, current_user)
        except OperationError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return render_template("auth/user_edit.html", form=form, user=user), 422
        db.session.commit()
        if changed:
            flash(_("Account %(email)s updated.", email=user.email), "success")
        if "roles" in changed or "agency_id" in changed:
            flash(_("Their roles changed, so they were signed out everywhere."), "info")
        return redirect(url_for("auth.users"))
    return render_template("auth/user_edit.html", form=form, user=user)


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@roles_required(RoleName.MANAGER)
def reset_password(user_id: int):
    """Give the account a one-time password, shown once on this page only."""
    user = db.get_or_404(User, user_id)
    password = accounts.reset_password(user, current_user, reason=request.form.get("reason"))
    db.session.commit()
    resp = render_template("auth/password_reset.html", user=user, password=password)
    return resp, 200, {"Cache-Control": "private, no-store"}


@bp.route("/users/<int:user_id>/sessions", methods=["POST"])
@roles_required(RoleName.MANAGER)
def end_sessions(user_id: int):
    """Sign the account out in every browser and worker process now (audited)."""
    user = db.get_or_404(User, user_id)
    ops.end_sessions(user, current_user, reason=request.form.get("reason"))
    db.session.commit()
    flash(_("%(email)s was signed out everywhere.", email=user.email), "success")
    if user.id == current_user.id:
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.users"))


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

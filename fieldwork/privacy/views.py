"""The manager's page for the contact-data right (grant, revoke, history)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..auth.decorators import roles_required
from ..auth.models import User
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..navigation import NavItem, register_nav
from ..plans.models import Survey
from . import operations as ops
from .access import no_store_if_contact_shown
from .models import PrivacyGrant
from .webforms import GrantForm, RevokeForm

bp = Blueprint("privacy", __name__, url_prefix="/privacy")
bp.after_app_request(no_store_if_contact_shown)  # every page that showed contact data
register_nav(NavItem(_l("Contact-data rights"), "privacy.grants", (RoleName.MANAGER,)))


def _grant_form() -> GrantForm:
    form = GrantForm()
    form.user.choices = [SelectChoice(u.id, f"{u.name} · {u.email}") for u in db.session.scalars(
        select(User).where(User.active.is_(True)).order_by(User.name))]
    form.survey.choices = [SelectChoice(0, _("All surveys"))] + [
        SelectChoice(s.id, f"{s.code} · {s.title}") for s in db.session.scalars(
            select(Survey).order_by(Survey.year.desc(), Survey.code))]
    return form


@bp.route("/grants", methods=["GET", "POST"])
@roles_required(RoleName.MANAGER)
def grants():
    """Who may see respondents' contact data; grant the right."""
    form = _grant_form()
    if form.validate_on_submit():
        target = db.session.get(User, form.user.data) or abort(404)
        try:
            ops.grant_contact_access(target, {"survey_id": form.survey.data or None,
                                              "reason": form.reason.data}, current_user)
        except OperationError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("%(name)s may now see contact data.", name=target.name), "success")
            return redirect(url_for("privacy.grants"))
    rows = list(db.session.scalars(select(PrivacyGrant).order_by(
        PrivacyGrant.revoked_at.is_not(None), PrivacyGrant.granted_at.desc())))
    recheck = [u for u in db.session.scalars(select(User).order_by(User.name))
               if u.has_role(RoleName.RECHECK)]
    return render_template("privacy/grants.html", form=form, rows=rows, recheck=recheck,
                           revoke_form=RevokeForm())


@bp.post("/grants/<int:grant_id>/revoke")
@roles_required(RoleName.MANAGER)
def revoke(grant_id: int):
    """End a grant."""
    grant = db.session.get(PrivacyGrant, grant_id) or abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        ops.revoke_contact_access(grant, {"reason": form.reason.data}, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("The right was revoked."), "success")
    return redirect(url_for("privacy.grants"))

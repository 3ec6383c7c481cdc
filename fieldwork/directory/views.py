"""Directory pages for staff; managers add agency aliases (one, or a list)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..auth.decorators import roles_required
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from .models import Agency, AgencyAlias, Field
from .operations import add_alias, import_aliases
from .webforms import AliasForm, AliasListForm

bp = Blueprint("directory", __name__, url_prefix="/directory")

STAFF = (RoleName.MANAGER, RoleName.HOME_AFFAIRS, RoleName.ENUMERATOR, RoleName.SCANNER,
         RoleName.RECHECK)


def agency_choices() -> list[SelectChoice]:
    """Every agency, for a select of the agency a name means."""
    return [SelectChoice(a.id, a.name) for a in
            db.session.scalars(select(Agency).order_by(Agency.kind, Agency.name))]


def _back(target: str | None):
    """Redirect to ``target`` if it is a path of this site, else to the agencies page."""
    if target and target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(url_for("directory.agencies"))


@bp.route("/agencies")
@roles_required(*STAFF)
def agencies():
    """All agencies with their kind, parent and aliases."""
    rows = db.session.scalars(select(Agency).order_by(Agency.kind, Agency.name)).all()
    aliases: dict[int, list[AgencyAlias]] = {}
    for a in db.session.scalars(select(AgencyAlias).order_by(AgencyAlias.name)):
        aliases.setdefault(a.agency_id, []).append(a)
    return render_template("directory/agencies.html", agencies=rows, aliases=aliases,
                           list_form=AliasListForm())


@bp.route("/aliases", methods=["POST"])
@roles_required(RoleName.MANAGER)
def add():
    """Add one alias (from an import's list of unknown agency names), then go back."""
    form = AliasForm()
    form.agency_id.choices = agency_choices()
    if not form.validate_on_submit():
        flash(_("Choose the agency the name means."), "danger")
        return _back(form.next.data)
    agency = db.session.get(Agency, form.agency_id.data) or abort(404)
    try:
        add_alias(agency, {"name": form.name.data, "kind": form.kind.data}, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return _back(form.next.data)
    db.session.commit()
    flash(_("“%(name)s” now means %(agency)s in imports.", name=form.name.data,
            agency=agency.name), "success")
    return _back(form.next.data)


@bp.route("/aliases/import", methods=["POST"])
@roles_required(RoleName.MANAGER)
def import_list():
    """Add the aliases of an uploaded list, all or none."""
    form = AliasListForm()
    if not form.validate_on_submit():
        flash(_("Choose a CSV or XLSX file to upload."), "danger")
        return redirect(url_for("directory.agencies"))
    upload = form.file.data
    try:
        report = import_aliases(upload.stream, upload.filename or "aliases", current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for("directory.agencies"))
    if report.errors:
        db.session.rollback()
        flash(_("Nothing was added:") + " " + "; ".join(report.errors), "danger")
    else:
        db.session.commit()
        flash(_("Added %(n)d aliases; %(k)d were known already.", n=len(report.new),
                k=report.known), "success")
    return redirect(url_for("directory.agencies", _anchor="aliases"))


@bp.route("/fields")
@roles_required(*STAFF)
def fields():
    """Fields and their procedures."""
    rows = db.session.scalars(select(Field).order_by(Field.code)).all()
    return render_template("directory/fields.html", fields=rows)

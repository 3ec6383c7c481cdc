"""Read-only directory pages for staff."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from ..auth.decorators import roles_required
from ..auth.roles import RoleName
from ..extensions import db
from .models import Agency, Field

bp = Blueprint("directory", __name__, url_prefix="/directory")

STAFF = (RoleName.MANAGER, RoleName.HOME_AFFAIRS, RoleName.ENUMERATOR, RoleName.SCANNER,
         RoleName.RECHECK)


@bp.route("/agencies")
@roles_required(*STAFF)
def agencies():
    """All agencies with their kind and parent."""
    rows = db.session.scalars(select(Agency).order_by(Agency.kind, Agency.name)).all()
    return render_template("directory/agencies.html", agencies=rows)


@bp.route("/fields")
@roles_required(*STAFF)
def fields():
    """Fields and their procedures."""
    rows = db.session.scalars(select(Field).order_by(Field.code)).all()
    return render_template("directory/fields.html", fields=rows)

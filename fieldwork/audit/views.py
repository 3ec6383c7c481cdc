"""The audit log page (managers and Home Affairs reviewers)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select

from ..auth.decorators import roles_required
from ..auth.roles import RoleName
from ..extensions import db
from .actions import words
from .models import AuditEvent

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE = 100


@bp.route("/")
@roles_required(RoleName.MANAGER, RoleName.HOME_AFFAIRS)
def index():
    """Newest events first, filterable by object type, 100 a page."""
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    q = select(AuditEvent).order_by(AuditEvent.id.desc())
    kind = request.args.get("type")
    if kind:
        q = q.where(AuditEvent.object_type == kind)
    events = db.session.scalars(q.limit(PAGE + 1).offset((page - 1) * PAGE)).all()
    return render_template("audit/index.html", events=events[:PAGE], page=page,
                           has_next=len(events) > PAGE, kind=kind, words=words)

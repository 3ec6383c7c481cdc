"""The station's watched inboxes page: their state, the files taken, set-up and pausing."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...auth.decorators import roles_required
from ...auth.models import User
from ...auth.roles import RoleName
from ...errors import OperationError
from ...extensions import db
from ...plans.models import Survey
from ..models import UPLOADERS
from ..views import bp
from ..webforms import InboxForm
from . import operations as ops
from .models import InboxFile, ScanInbox
from .operations import age_seconds

RECENT_FILES = 40


def _form() -> InboxForm:
    form = InboxForm()
    form.survey.choices = [(s.id, f"{s.code} · {s.title}") for s in db.session.scalars(
        select(Survey).order_by(Survey.year.desc(), Survey.code))]
    people = [u for u in db.session.scalars(select(User).order_by(User.name))
              if u.is_active and u.has_role(*UPLOADERS)]
    form.operator.choices = [(u.id, f"{u.name} · {u.email}") for u in people]
    return form


def watcher_silent(inbox: ScanInbox) -> bool:
    """No watcher has looked at an active inbox for a while (no worker running?)."""
    if not inbox.active:
        return False
    return inbox.checked_at is None or age_seconds(inbox.checked_at) > 120


@bp.route("/inboxes", methods=["GET", "POST"])
@roles_required(*UPLOADERS)
def inboxes():
    """Every inbox with what the watchers last found, the latest files, and the set-up form."""
    form = _form()
    manager = current_user.has_role(RoleName.MANAGER)
    if manager and form.validate_on_submit():
        data = {"name": form.name.data, "path": form.path.data, "pilot": form.pilot.data,
                "survey": db.session.get(Survey, form.survey.data),
                "operator": db.session.get(User, form.operator.data),
                "settle_seconds": form.settle_seconds.data,
                "give_up_seconds": form.give_up_seconds.data}
        try:
            inbox = ops.create_inbox(data, current_user, web=True)
        except OperationError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("The folder %(path)s is now watched.", path=inbox.path), "success")
            return redirect(url_for(".inboxes"))
    rows = db.session.scalars(select(ScanInbox).order_by(ScanInbox.id)).all()
    files = db.session.scalars(select(InboxFile).order_by(InboxFile.id.desc())
                               .limit(RECENT_FILES)).all()
    return render_template("omr/inboxes.html", inboxes=rows, files=files, form=form,
                           manager=manager, silent={i.id: watcher_silent(i) for i in rows},
                           roots=ops.inbox_roots())


@bp.route("/inboxes/<int:inbox_id>/active", methods=["POST"])
@roles_required(RoleName.MANAGER)
def inbox_active(inbox_id: int):
    """Pause watching a folder, or watch it again (audited)."""
    inbox = db.get_or_404(ScanInbox, inbox_id)
    data = {"survey": inbox.survey, "operator": inbox.operator, "name": inbox.name,
            "pilot": inbox.pilot, "active": not inbox.active}
    try:
        ops.update_inbox(inbox, data, current_user, web=False)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("Watching resumed.") if inbox.active else _("Watching paused."), "success")
    return redirect(url_for(".inboxes"))

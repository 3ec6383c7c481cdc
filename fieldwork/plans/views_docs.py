"""Attachments (upload, download) and the notifications page."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.decorators import check
from ..auth.roles import RoleName
from ..extensions import db
from . import attachments, notifications, todo
from .models_docs import Attachment, Notification
from .models_review import Publication
from .views import bp, form_data, load_survey, run


@bp.route("/<code>/attachments", methods=["POST"])
@login_required
def attachment_upload(code: str):
    """Upload a document (the operation checks role, kind, size and type)."""
    survey = load_survey(code)
    data = form_data()
    # Agencies attach files only to their written comments (step 5), not here.
    check(current_user.has_role(RoleName.MANAGER, RoleName.HOME_AFFAIRS))
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data["filename"], data["stream"] = upload.filename, upload.stream
    run(attachments.upload, survey, data, _("Document uploaded."))
    step = request.form.get("step", type=int) or 1
    return redirect(url_for("plans.step", code=code, n=step if 1 <= step <= 6 else 1)
                    + "#documents")


@bp.route("/<code>/attachments/<int:attachment_id>")
@login_required
def attachment_download(code: str, attachment_id: int):
    """Download one version of a document if the user may read it."""
    survey = load_survey(code)
    att = db.session.get(Attachment, attachment_id)
    if att is None or att.survey_id != survey.id:
        abort(404)
    published = db.session.scalar(select(Publication.id).where(
        Publication.survey_id == survey.id)) is not None
    check(att.can_download(current_user, published=published))
    path = attachments.full_path(att)
    if not path.is_file():
        abort(404)
    resp = send_file(path, mimetype=att.content_type, as_attachment=True,
                     download_name=att.filename)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.route("/notifications", endpoint="notifications")
@login_required
def notifications_page():
    """What is waiting on the user, and their notifications."""
    return render_template("plans/notifications.html",
                           todos=todo.waiting_on(current_user),
                           items=notifications.recent(current_user),
                           render=notifications.render, step_of=notifications.step_of)


@bp.route("/notifications/read", methods=["POST"])
@login_required
def notifications_read():
    """Mark one notification (``id``) or all of them read, then open its page if given."""
    nid = request.form.get("id", type=int)
    target = None
    if nid is not None:
        n = db.session.get(Notification, nid)
        if n is None or n.user_id != current_user.id:
            abort(404)
        target = notifications.link(n)
    notifications.mark_read(current_user, nid)
    db.session.commit()
    return redirect(target or url_for("plans.notifications"))

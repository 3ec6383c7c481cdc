"""Job pages: the jobs someone started, one job's progress and result, its file, run again."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.routing import BuildError

from ..auth.decorators import check
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..navigation import NavItem, register_nav
from . import runner, storage
from .models import Job, JobStatus

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
register_nav(NavItem(_l("Jobs"), "jobs.index",
                     (RoleName.MANAGER, RoleName.SCANNER, RoleName.HOME_AFFAIRS)))


@bp.before_app_request
def _start_embedded_workers():
    """In the embedded set-up the web process runs the jobs (and resumes lost ones)."""
    app = current_app._get_current_object()
    if runner.embedded.pid is None and runner.backend(app) == "embedded":
        runner.embedded.start(app)
        # Services (the scan inboxes' watcher) run in long-lived processes only: this web
        # process and ``fieldwork worker``, never a command line that queued a job and exits.
        runner.start_services(app)


@bp.app_template_global()
def job_title(job: Job) -> str:
    """The job's title in the reader's language."""
    found = runner.load_tasks().get(job.kind)
    try:
        return str(found.title(job.params or {})) if found else job.title
    except (KeyError, TypeError, ValueError):
        return job.title


@bp.app_template_global()
def job_result_url(job: Job) -> str | None:
    """Where the job's result is: a page of the app, or its file."""
    result = job.result or {}
    if job.status != JobStatus.DONE:
        return None
    if result.get("file"):
        return url_for("jobs.download", job_id=job.id)
    if result.get("endpoint"):
        try:
            return url_for(result["endpoint"], **(result.get("args") or {}))
        except BuildError:
            return None
    return None


def _load(job_id: int) -> Job:
    job = db.session.get(Job, job_id) or abort(404)
    check(job.can_view(current_user))
    return job


@bp.route("/")
@login_required
def index():
    """The user's jobs (a manager sees everyone's), newest first."""
    q = select(Job).order_by(Job.id.desc()).limit(200)
    if not current_user.has_role(RoleName.MANAGER):
        q = q.where(Job.created_by_id == current_user.id)
    return render_template("jobs/index.html", jobs=db.session.scalars(q).all())


@bp.route("/<int:job_id>")
@login_required
def job(job_id: int):
    """Progress while it runs (the page refreshes itself); the result or error when it ends."""
    row = _load(job_id)
    follow = request.args.get("follow") == "1"
    target = job_result_url(row)
    if follow and target and not (row.result or {}).get("file"):
        summary = (row.result or {}).get("summary")
        done = _("“%(title)s” is done.", title=job_title(row))
        flash(f"{done} {summary}" if summary else done, "success")
        return redirect(target)
    # A file is fetched by the finished page itself (once: a download leaves the page as it is).
    download = target if follow and target and (row.result or {}).get("file") else None
    return render_template("jobs/job.html", job=row, follow=follow, download=download,
                           may_retry=row.status == JobStatus.FAILED
                           and row.created_by_id == current_user.id)


@bp.route("/<int:job_id>/download")
@login_required
def download(job_id: int):
    """The file a job made (only for the person who asked for it)."""
    row = _load(job_id)
    if row.created_by_id != current_user.id:
        abort(403)
    result = row.result or {}
    path = storage.result_path(row, result.get("file")) if row.status == JobStatus.DONE else None
    if path is None or not Path(path).is_file():
        abort(404)
    resp = send_file(path, as_attachment=True,
                     download_name=result.get("download_name") or Path(path).name)
    resp.headers["Cache-Control"] = "private, no-store"  # answers, perhaps contact data
    return resp


@bp.route("/<int:job_id>/retry", methods=["POST"])
@login_required
def retry(job_id: int):
    """Run a failed job again (its parameters unchanged)."""
    row = _load(job_id)
    if row.created_by_id != current_user.id:
        abort(403)
    try:
        runner.retry(row, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for(".job", job_id=row.id))
    db.session.commit()
    runner.dispatch(row.id)
    flash(_("The job was queued again."), "success")
    return redirect(url_for(".job", job_id=row.id, follow="1"))

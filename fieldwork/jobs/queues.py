"""Background jobs' work queue: the user's failed jobs, not run again since."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..auth.roles import RoleName
from ..extensions import db
from ..queues import Queue, Row, register_queue
from ..timeutil import utcnow
from .models import Job, JobStatus

RECENT = timedelta(days=30)


def failed(user) -> list[Row]:
    """Jobs the user asked for that failed in the last 30 days and were not run again (no
    later job of the same kind on the same subject); the link opens the oldest."""
    later = aliased(Job)
    again = select(later.id).where(later.kind == Job.kind, later.subject == Job.subject,
                                   later.id > Job.id)
    return [Row(sid, n, oldest, url=url_for("jobs.job", job_id=first))
            for sid, n, oldest, first in db.session.execute(
                select(Job.survey_id, func.count(), func.min(Job.created_at), func.min(Job.id))
                .where(Job.created_by_id == user.id, Job.status == JobStatus.FAILED,
                       Job.created_at >= utcnow() - RECENT, ~again.exists())
                .group_by(Job.survey_id))]


def register() -> None:
    """The jobs queue."""
    register_queue(Queue("jobs.failed", _l("Failed background jobs to look at"),
                         (RoleName.MANAGER, RoleName.SCANNER, RoleName.HOME_AFFAIRS), failed,
                         "jobs.index", nav="jobs.index", order=90))

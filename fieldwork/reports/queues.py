"""What the public finds: published survey reports to read."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..auth.roles import RoleName
from ..extensions import db
from ..plans.models_review import Publication
from ..queues import Queue, Row, register_queue


def published(user) -> list[Row]:
    """The published surveys (one row, not tied to one survey: the public sees no survey
    page, only the public report pages)."""
    n, newest = db.session.execute(select(func.count(Publication.id),
                                          func.max(Publication.published_at))).one()
    return [Row(None, n, newest)] if n else []


def register() -> None:
    """The public's reading list."""
    register_queue(Queue("reports.published", _l("Published survey reports to read"),
                         (RoleName.PUBLIC,), published, "reports_public.index",
                         nav="reports_public.index", order=90))

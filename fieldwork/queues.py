"""Work queues: what waits for whom, registered by the feature packages (beside ``navigation``).

Each feature's ``queues.py`` registers its queues at start-up (``features.load_queues``): a
name, a label, the roles whose work it is, a function that counts the work one user may do,
grouped by survey, and the page that opens it. The start page, the waiting list and the menu
badges read them all through ``waiting``; nobody stores a to-do list.

A count function takes the user and returns rows ``Row(survey_id, count, oldest)`` from
aggregate queries (``COUNT``/``MIN`` grouped by survey), never by loading the objects; a row
may carry its own ``label`` and ``url`` (e.g. the step a survey waits in).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, g, has_request_context, url_for
from sqlalchemy import select

from .auth.roles import RoleName
from .timeutil import utcnow

# The waiting list's menu entry: a queue whose page has no menu entry of its own counts there.
WAITING_LIST = "plans.notifications"


@dataclass(frozen=True)
class Row:
    """Work of one queue in one survey (``survey_id`` None: not tied to a survey)."""

    survey_id: int | None
    count: int
    oldest: datetime | None = None
    label: object = None
    url: str | None = None


@dataclass(frozen=True)
class Queue:
    """A kind of work: whose it is (``roles``), how much there is, where it is done.

    ``count(user)`` gives the user's ``Row``s; ``endpoint`` with ``args(survey)`` (or a
    row's own ``url``) opens the work; ``nav`` names the menu entry that leads there (its
    badge shows the queue's total).
    """

    name: str
    label: object
    roles: tuple[RoleName, ...]
    count: Callable[[object], Iterable[Row]]
    endpoint: str
    args: Callable[[object], dict] | None = None
    nav: str | None = WAITING_LIST
    order: int = 50
    closed: bool = False  # also counted in closed (published) surveys


@dataclass
class Waiting:
    """One line of a user's work: a queue's count in one survey, how old, and its link."""

    queue: Queue
    role: RoleName
    survey: object | None
    count: int
    oldest: datetime | None
    label: str
    url: str

    @property
    def age_days(self) -> int | None:
        """Whole days since the oldest item arrived (None when unknown)."""
        if self.oldest is None:
            return None
        oldest = self.oldest if self.oldest.tzinfo else self.oldest.replace(
            tzinfo=utcnow().tzinfo)
        return max(0, (utcnow() - oldest).days)


_queues: dict[str, Queue] = {}


def register_queue(queue: Queue) -> None:
    """Add (or replace) a queue; registering the same name again replaces it."""
    _queues[queue.name] = queue


def registered() -> list[Queue]:
    """Every queue, in display order."""
    return sorted(_queues.values(), key=lambda q: (q.order, q.name))


def role_of(queue: Queue, user) -> RoleName | None:
    """The first of the queue's roles the user holds (the role the work is listed under)."""
    return next((r for r in queue.roles if user.has_role(r)), None)


def _url(queue: Queue, row: Row, survey) -> str:
    if row.url:
        return row.url
    args = queue.args(survey) if queue.args and survey is not None else {}
    return url_for(queue.endpoint, **args)


def _surveys(ids: set) -> dict:
    from .extensions import db
    from .plans.models import Survey
    if not ids:
        return {}
    return {s.id: s for s in db.session.scalars(select(Survey).where(Survey.id.in_(ids)))}


def _compute(user) -> list[Waiting]:
    found: list[tuple[Queue, RoleName, Row]] = []
    for queue in registered():
        role = role_of(queue, user)
        if role is None:
            continue
        for row in queue.count(user):
            if row.count > 0:
                found.append((queue, role, row))
    surveys = _surveys({r.survey_id for _q, _r, r in found if r.survey_id is not None})
    out = []
    for queue, role, row in found:
        survey = surveys.get(row.survey_id)
        if row.survey_id is not None and (survey is None or not survey.can_view(user)):
            continue
        if survey is not None and survey.status == "closed" and not queue.closed:
            continue
        out.append(Waiting(queue, role, survey, row.count, row.oldest,
                           str(row.label or queue.label), _url(queue, row, survey)))
    roles = list(RoleName)
    out.sort(key=lambda w: (roles.index(w.role), w.queue.order, w.queue.name,
                            -(w.survey.year if w.survey else 0),
                            w.survey.code if w.survey else ""))
    return out


def waiting(user, survey=None) -> list[Waiting]:
    """The user's work, by role, queue and survey (of one ``survey`` if given); computed
    once per request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if has_request_context():
        cache = g.setdefault("_fieldwork_waiting", {})
        if user.id not in cache:
            cache[user.id] = _compute(user)
        found = cache[user.id]
    else:
        found = _compute(user)
    if survey is not None:
        return [w for w in found if w.survey is not None and w.survey.id == survey.id]
    return found


def forget(user=None) -> None:
    """Drop this request's computed work (after a change the same request shows again)."""
    if has_request_context():
        g.pop("_fieldwork_waiting", None)


def by_role(items: list[Waiting]) -> list[tuple[RoleName, list[Waiting]]]:
    """The items grouped by the role they are listed under, in role order."""
    out: dict[RoleName, list[Waiting]] = {}
    for w in items:
        out.setdefault(w.role, []).append(w)
    return list(out.items())


def badge(user, endpoint: str) -> int:
    """The total count of the queues whose menu entry is ``endpoint``."""
    return sum(w.count for w in waiting(user) if w.queue.nav == endpoint)


def total(user) -> int:
    """How many things wait for the user, all queues together."""
    return sum(w.count for w in waiting(user))


def init_queues(app: Flask) -> None:
    """Expose ``work_waiting``, ``work_by_role`` and ``work_badge`` to templates."""
    from flask_login import current_user

    app.jinja_env.globals.update(
        work_waiting=lambda survey=None: waiting(current_user, survey),
        work_by_role=by_role, work_age=age_text,
        work_badge=lambda endpoint: badge(current_user, endpoint))


def age_text(days: int) -> str:
    """How long the oldest item has waited, in words."""
    from flask_babel import gettext, ngettext
    if days <= 0:
        return gettext("oldest: arrived today")
    return ngettext("oldest: waiting %(num)d day", "oldest: waiting %(num)d days", days)

"""In-app notifications: stored messages about events, and what is waiting on each user.

Messages are stored as a kind and raw parameters and rendered in the reader's language.
E-mail is optional and off by default (``PLANS_EMAIL_NOTIFICATIONS``); see ``cli.py``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..auth.models import Role, User, user_roles
from ..auth.roles import RoleName
from ..extensions import db
from ..timeutil import utcnow
from .models_docs import Notification
from .models_workflow import STATE_LABELS, STEP_LABELS, Step, StepState

MESSAGES = {
    "workflow": _l("%(code)s – step %(step_no)s “%(step)s” is now: %(state)s."),
    "round_opened": _l("%(code)s: comment round %(n)s is open; read your agency's draft "
                       "results and file any written comments."),
    "comment_filed": _l("%(code)s: %(agency)s filed a written comment in round %(n)s."),
    "comment_answered": _l("%(code)s: the contractor answered your agency's comment in round "
                           "%(n)s."),
    "verification_assigned": _l("%(code)s: you are assigned an on-site verification at "
                                "%(place)s on %(date)s."),
    "assignment": _l("%(code)s: you are assigned %(quota)s completed forms at %(agency)s."),
}
# Where a notification's "Open" leads, by kind: a function of (notification) -> URL, or None
# for the step page. Features add their own kinds (``register_kind``).
LINKS: dict = {}
# How a kind's stored parameters read in the user's language: (params) -> params.
WORDS: dict = {}


def register_kind(kind: str, message, link=None, words=None) -> None:
    """Let a feature add a notification kind: its message, the page it opens (``link(n)``)
    and how its stored parameters read (``words(params)``)."""
    MESSAGES[kind] = message
    if link is not None:
        LINKS[kind] = link
    if words is not None:
        WORDS[kind] = words


def render(n: Notification) -> str:
    """The notification's text in the current language."""
    params = dict(n.params or {})
    if "step_no" in params:
        params["step"] = STEP_LABELS[Step(params["step_no"])]
        if "state" in params:
            params["state"] = STATE_LABELS[StepState(params["state"])]
    if n.kind in WORDS:
        params = WORDS[n.kind](params)
    template = MESSAGES.get(n.kind)
    if template is None:
        return n.kind
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return n.kind


def users_with(*roles: RoleName) -> list[User]:
    """Active users holding any of ``roles``."""
    q = (select(User).join(user_roles, user_roles.c.user_id == User.id)
         .join(Role, Role.id == user_roles.c.role_id)
         .where(Role.name.in_([str(r) for r in roles]), User.active.is_(True))
         .distinct().order_by(User.id))
    return list(db.session.scalars(q))


# The step page a notification links to, by kind (``workflow`` carries its own step).
KIND_STEP = {"round_opened": 5, "comment_filed": 5, "comment_answered": 5,
             "verification_assigned": 5, "assignment": 3}


def step_of(n: Notification) -> int:
    """The step whose page the notification opens."""
    return int((n.params or {}).get("step_no") or KIND_STEP.get(n.kind, 1))


def link(n: Notification) -> str | None:
    """The page a notification opens: its kind's own page, else the step page."""
    from flask import url_for
    make = LINKS.get(n.kind)
    if make is not None:
        found = make(n)
        if found:
            return found
    if n.survey is None:
        return None
    return url_for("plans.step", code=n.survey.code, n=step_of(n))


def notify(users, survey, kind: str, params: dict, actor=None, work: str | None = None) -> int:
    """Add one notification per user (skipping the actor and duplicates); ``work`` names what
    it asks for, so that it is cleared when that is done (``clear``); returns the count."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind}")
    seen = set()
    for u in users:
        if u is None or u.id in seen or (actor is not None and getattr(actor, "id", None) == u.id):
            continue
        seen.add(u.id)
        db.session.add(Notification(user_id=u.id, survey_id=survey.id if survey else None,
                                    kind=kind, params=params, work=work))
    db.session.flush()
    return len(seen)


def _done(*where) -> int:
    """Mark the open notifications matching ``where`` as done (in one UPDATE); how many."""
    from sqlalchemy import update
    result = db.session.execute(update(Notification).where(
        Notification.done_at.is_(None), *where).values(done_at=utcnow())
        .execution_options(synchronize_session="fetch"))
    return result.rowcount or 0


def clear(work: str, user_ids=None) -> int:
    """The work ``work`` is done: its open notifications (of ``user_ids`` only, if given)
    are cleared; returns how many."""
    where = [Notification.work == work]
    if user_ids is not None:
        where.append(Notification.user_id.in_(list(user_ids)))
    return _done(*where)


def clear_survey(survey, kind: str | None = None) -> int:
    """All the survey's open notifications (of ``kind`` only, if given) are cleared: the
    work they announced is over (fieldwork closed, the survey published)."""
    where = [Notification.survey_id == survey.id]
    if kind is not None:
        where.append(Notification.kind == kind)
    return _done(*where)


def unread_count(user) -> int:
    """How many unread notifications the user has (cleared ones no longer count)."""
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None),
        Notification.done_at.is_(None))) or 0


def recent(user, limit: int = 50) -> list[Notification]:
    """The user's newest notifications."""
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id).order_by(Notification.id.desc()).limit(limit)))


def mark_read(user, notification_id: int | None = None) -> int:
    """Mark one (or all) of the user's notifications read; returns how many changed."""
    q = select(Notification).where(Notification.user_id == user.id,
                                   Notification.read_at.is_(None))
    if notification_id is not None:
        q = q.where(Notification.id == notification_id)
    rows = db.session.scalars(q).all()
    now = utcnow()
    for n in rows:
        n.read_at = now
    db.session.flush()
    return len(rows)


def unread_messages() -> int:
    """The signed-in user's unread notifications (the menu's envelope badge)."""
    from flask_login import current_user
    return unread_count(current_user) if current_user.is_authenticated else 0

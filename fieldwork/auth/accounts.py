"""Account administration: edit a user, reset or set a password (all audited).

A change of roles or agency changes what the person may see, so it ends their sessions;
so does a password reset. A reset gives a one-time password that must be changed at the
next sign-in (``User.must_change_password``).
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit
from ..errors import OperationError
from ..extensions import db
from .models import Role, User, user_roles
from .operations import (
    bump_sessions,
    check_new_password,
    find_user,
    normalise_email,
    resolve_roles,
)
from .passwords import hash_password
from .roles import RoleName

# Letters and digits a person can read aloud and type without confusing them (no 0/O, 1/l/I).
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def one_time_password(length: int = 14) -> str:
    """A random password to hand over once (always letters and digits mixed)."""
    while True:
        pw = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


def _snapshot(user: User) -> dict:
    return {"email": user.email, "name": user.name, "roles": sorted(user.role_names),
            "agency_id": user.agency_id}


def _active_managers_besides(user: User) -> int:
    return db.session.scalar(
        select(func.count(User.id)).join(user_roles, user_roles.c.user_id == User.id)
        .join(Role, Role.id == user_roles.c.role_id)
        .where(Role.name == RoleName.MANAGER.value, User.active.is_(True), User.id != user.id))


def edit_user(user: User, data: dict, actor) -> dict:
    """Change {name, email, roles, agency_id} of ``user``; returns what changed (audited).

    A change of roles or agency ends the user's sessions. The last active manager keeps the
    manager role, so that someone can still administer accounts.
    """
    before = _snapshot(user)
    name = (data.get("name") if data.get("name") is not None else user.name).strip()
    if not name:
        raise OperationError(_("A name is required."))
    email = normalise_email(data["email"]) if data.get("email") else user.email
    other = find_user(email)
    if other is not None and other.id != user.id:
        raise OperationError(_("A user with e-mail %(email)s already exists.", email=email))
    roles = user.roles
    if data.get("roles") is not None:
        roles = resolve_roles(data["roles"])
        if not roles:
            raise OperationError(_("Give the user at least one role."))
    agency_id = data["agency_id"] if "agency_id" in data else user.agency_id
    names = {r.name for r in roles}
    if RoleName.AGENCY.value in names and not agency_id:
        raise OperationError(_("An agency reviewer must be linked to an agency."))
    if (RoleName.MANAGER.value in before["roles"] and RoleName.MANAGER.value not in names
            and user.active and not _active_managers_besides(user)):
        raise OperationError(_("%(email)s is the last active manager; give another account "
                               "the manager role first.", email=user.email))
    user.name, user.email, user.roles, user.agency_id = name, email, list(roles), agency_id or None
    after = _snapshot(user)
    changed = {k: after[k] for k in after if after[k] != before[k]}
    if not changed:
        return {}
    if "roles" in changed or "agency_id" in changed:
        bump_sessions(user)
    db.session.flush()
    audit.record(actor, "user.edit", user, before={k: before[k] for k in changed},
                 after=changed)
    return changed


def reset_password(user: User, actor, reason: str | None = None) -> str:
    """Give ``user`` a one-time password (returned, to be shown once; never stored in clear).

    The user must choose a new password at the next sign-in; open sessions end now.
    """
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    bump_sessions(user)
    audit.record(actor, "user.password_reset", user, after={"must_change_password": True},
                 reason=reason)
    return password


def set_password(user: User, password: str, actor, must_change: bool = False) -> None:
    """Set a chosen password (the password rules apply); sessions end; audited (no hash)."""
    check_new_password(password, user.email, user.name)
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    user.failed_logins = 0
    user.locked_until = None
    bump_sessions(user)
    audit.record(actor, "user.password_set", user, after={"must_change_password": must_change})

"""State changes on users: create, change password, activate/deactivate, sign-in stamp.

Editing an account and resetting its password are in :mod:`fieldwork.auth.accounts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit
from ..errors import OperationError
from ..extensions import db
from ..timeutil import utcnow
from .models import Role, User
from .passwords import dummy_verify, hash_password, password_problems, verify_password
from .roles import RoleName

_PROBLEM_TEXT = {
    "too_short": lambda n: _("The password must have at least %(n)d characters.", n=n),
    "only_digits": lambda n: _("The password must not be only digits."),
    "contains_email": lambda n: _("The password must not contain the e-mail address."),
    "contains_name": lambda n: _("The password must not contain the person's name."),
    "common": lambda n: _("This password is too common; choose another."),
}


def normalise_email(email: str) -> str:
    """Validate an e-mail address (syntax only, no DNS) and return it lower-cased."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise OperationError(_("'%(email)s' is not a valid e-mail address.", email=email)) \
            from None


def check_new_password(password: str, email: str = "", name: str = "") -> None:
    """Raise OperationError if ``password`` breaks the password rules (for this person)."""
    n = current_app.config["PASSWORD_MIN_LENGTH"]
    problems = password_problems(password, n, email=email, name=name)
    if problems:
        raise OperationError(" ".join(_PROBLEM_TEXT[p](n) for p in problems))


def find_user(email: str) -> User | None:
    """Return the user with this e-mail (case-insensitive) or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(data: dict, actor) -> User:
    """Create a user from {email, name, password, roles, agency_id?, locale?}; audited."""
    email = normalise_email(data.get("email") or "")
    name = (data.get("name") or "").strip()
    if not name:
        raise OperationError(_("A name is required."))
    if find_user(email):
        raise OperationError(_("A user with e-mail %(email)s already exists.", email=email))
    check_new_password(data.get("password") or "", email, name)
    roles = resolve_roles(data.get("roles") or [])
    if not roles:
        raise OperationError(_("Give the user at least one role."))
    agency_id = data.get("agency_id")
    if RoleName.AGENCY.value in {r.name for r in roles} and not agency_id:
        raise OperationError(_("An agency reviewer must be linked to an agency."))
    user = User(email=email, name=name, password_hash=hash_password(data["password"]),
                active=True, roles=roles, agency_id=agency_id, locale=data.get("locale"))
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", user,
                 after={"email": email, "name": name, "roles": sorted(r.name for r in roles),
                        "agency_id": agency_id})
    return user


def resolve_roles(names: Iterable[str]) -> list[Role]:
    """Map role names to Role rows, raising OperationError for an unknown name."""
    wanted = []
    for n in names:
        try:
            wanted.append(RoleName(str(n).strip().lower()).value)
        except ValueError:
            raise OperationError(_("Unknown role: %(role)s", role=n)) from None
    if not wanted:
        return []
    return list(db.session.scalars(select(Role).where(Role.name.in_(wanted))))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user for these credentials, or None (same answer for every failure).

    A failure on an existing account counts towards the lock-out (``LOGIN_MAX_FAILURES``
    in a row lock it for ``LOGIN_LOCKOUT_MINUTES``); while locked even the right password
    is refused. The caller commits, also after a failure, so that the count is kept.
    """
    user = find_user(email or "")
    if user is None:
        dummy_verify(password or "")
        return None
    now = utcnow()
    # Verify even when locked so that the time taken does not tell locked accounts apart.
    good = verify_password(user.password_hash, password or "")
    if user.locked_at(now):
        return None
    if user.locked_until is not None:  # a lock-out that has run out
        _unlock(user, "system", "lock-out period over")
    if not good:
        _count_failure(user, now)
        return None
    if not user.active:
        return None
    user.failed_logins = 0
    return user


def _count_failure(user: User, now) -> None:
    """One more failed sign-in; lock the account when there have been too many in a row."""
    cfg = current_app.config
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= cfg["LOGIN_MAX_FAILURES"]:
        user.locked_until = now + timedelta(minutes=cfg["LOGIN_LOCKOUT_MINUTES"])
        audit.record("system", "user.lock", user,
                     after={"failed_logins": user.failed_logins,
                            "locked_until": user.locked_until.isoformat()})


def _unlock(user: User, actor, reason: str | None) -> None:
    before = {"failed_logins": user.failed_logins,
              "locked_until": user.locked_until.isoformat() if user.locked_until else None}
    user.failed_logins = 0
    user.locked_until = None
    audit.record(actor, "user.unlock", user, before=before, reason=reason)


def unlock(user: User, actor, reason: str | None = None) -> None:
    """Lift a lock-out (and forget the failed sign-ins) before it runs out; audited."""
    if user.locked_until is None and not user.failed_logins:
        raise OperationError(_("This account is not locked."))
    _unlock(user, actor, reason)


def record_login(user: User) -> None:
    """Stamp the sign-in time and audit it."""
    user.last_login_at = utcnow()
    audit.record(user, "user.login", user)


def change_password(user: User, data: dict, actor) -> None:
    """Change ``user``'s password after checking the current one; audited (no hashes stored)."""
    if not verify_password(user.password_hash, data.get("current") or ""):
        raise OperationError(_("The current password is wrong."))
    new = data.get("new") or ""
    if new != (data.get("confirm") or ""):
        raise OperationError(_("The two new passwords differ."))
    if new == data.get("current"):
        raise OperationError(_("The new password must differ from the current one."))
    check_new_password(new, user.email, user.name)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    bump_sessions(user)
    audit.record(actor, "user.password_change", user)


def bump_sessions(user: User) -> None:
    """End every session of ``user`` (all browsers, all worker processes) at the next request."""
    user.session_version = (user.session_version or 0) + 1


def sign_out(user: User) -> None:
    """The user signs out: this session and every other one of theirs ends; audited."""
    bump_sessions(user)
    audit.record(user, "user.logout", user)


def end_sessions(user: User, actor, reason: str | None = None) -> None:
    """Sign ``user`` out everywhere (sign-out, or an administrator's "sign out everywhere")."""
    bump_sessions(user)
    audit.record(actor, "user.sessions_end", user, reason=reason)


def set_active(user: User, active: bool, actor, reason: str | None = None) -> None:
    """Activate or deactivate an account; audited with before/after."""
    if user.active == active:
        return
    before = user.active
    user.active = active
    if not active:
        bump_sessions(user)
    audit.record(actor, "user.activate" if active else "user.deactivate", user,
                 before={"active": before}, after={"active": active}, reason=reason)


def set_locale(user: User, locale: str, actor) -> None:
    """Store the user's interface language; audited."""
    if locale not in current_app.config["LANGUAGES"]:
        raise OperationError(_("Unsupported language."))
    before = user.locale
    user.locale = locale
    audit.record(actor, "user.locale", user, before={"locale": before}, after={"locale": locale})

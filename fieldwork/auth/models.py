"""Users and roles."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .roles import RoleName

user_roles = Table(
    "user_roles",
    db.metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", Integer, ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)


class Role(db.Model):
    """One of the seven roles; rows are created by the first migration."""

    __tablename__ = "roles"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)

    def __repr__(self) -> str:
        return f"<Role {self.name}>"


class User(UserMixin, db.Model):
    """A person who signs in; agency reviewers are tied to their agency."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(8), nullable=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Consecutive failed sign-ins and, after too many, the end of the lock-out (security.md).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Sessions carry this number (``get_id``); raising it ends every session of the user at
    # once, in every worker process (sign-out, password or role change, deactivation).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Set by an administrator's password reset: the next sign-in must choose a new password.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())
    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin",
                                             order_by=Role.name)
    agency = relationship("Agency", lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def get_id(self) -> str:
        """What the session cookie stores: the id and the session version ('12:3')."""
        return f"{self.id}:{self.session_version or 0}"

    @property
    def role_names(self) -> set[str]:
        """Names of the roles this user holds."""
        return {r.name for r in self.roles}

    def locked_at(self, now: datetime) -> bool:
        """True while a lock-out after repeated failed sign-ins lasts (``now`` is aware UTC)."""
        until = self.locked_until
        if until is None:
            return False
        if until.tzinfo is None:  # SQLite returns naive UTC
            until = until.replace(tzinfo=UTC)
        return until > now

    def has_role(self, *names: RoleName | str) -> bool:
        """True if the user holds any of ``names``."""
        return bool(self.role_names & {str(n) for n in names})

    def can_manage_users(self) -> bool:
        """Managers administer the contractor's user accounts."""
        return self.has_role(RoleName.MANAGER)

    def can_see_audit(self) -> bool:
        """Managers and Home Affairs reviewers may read the audit log."""
        return self.has_role(RoleName.MANAGER, RoleName.HOME_AFFAIRS)

    def can_see_agency(self, agency) -> bool:
        """Agency reviewers see only their own agency; the contractor and reviewers see all."""
        if self.has_role(RoleName.MANAGER, RoleName.HOME_AFFAIRS, RoleName.RECHECK):
            return True
        return self.has_role(RoleName.AGENCY) and agency is not None and agency.id == self.agency_id

    def __repr__(self) -> str:
        return f"<User {self.email}>"


def user_by_email(email: str) -> User | None:
    """The account with this e-mail address, if any."""
    from sqlalchemy import select

    return db.session.scalar(select(User).where(User.email == email))

"""Grants of the right to see respondents' contact data; the wrapped blind-index key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow


class PrivacyGrant(db.Model):
    """The manager lets ``user`` see contact data of one survey (or of all when survey is null)."""

    __tablename__ = "privacy_grants"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id"), nullable=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    granted_by = relationship("User", foreign_keys=[granted_by_id])
    survey = relationship("Survey", lazy="joined")

    @property
    def active(self) -> bool:
        """A grant counts until it is revoked."""
        return self.revoked_at is None


class PrivacyKey(db.Model):
    """A secret the app keeps in the database, encrypted under the data keys (never in clear).

    ``purpose='blind_index'``: the HMAC key of the blind indexes. It does not change when a
    data key is added or retired (rotation only re-wraps it), so an index computed before,
    during or after a rotation finds the same phone number.
    """

    __tablename__ = "privacy_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32), unique=True)
    token: Mapped[str] = mapped_column(Text, info={"encrypted": True})
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

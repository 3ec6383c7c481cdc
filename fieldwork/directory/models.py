"""Agencies, fields (lĩnh vực) and administrative procedures (thủ tục hành chính)."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow


class AgencyKind(enum.StrEnum):
    """Kinds of surveyed agencies after the 2025 two-level reorganisation."""

    CITY = "city"
    DEPARTMENT = "department"
    WARD = "ward"
    COMMUNE = "commune"
    SPECIAL_ZONE = "special_zone"


AGENCY_KIND_LABELS = {
    AgencyKind.CITY: _l("City / province"),
    AgencyKind.DEPARTMENT: _l("Department (Sở)"),
    AgencyKind.WARD: _l("Ward (phường)"),
    AgencyKind.COMMUNE: _l("Commune (xã)"),
    AgencyKind.SPECIAL_ZONE: _l("Special zone (đặc khu)"),
}


def enum_column(enum_cls, length: int = 32):
    """A portable enum column stored as its string value (no native PG enum to migrate)."""
    return Enum(enum_cls, native_enum=False, length=length,
                values_callable=lambda e: [m.value for m in e], validate_strings=True)


class Agency(db.Model):
    """A body that receives dossiers; departments and wards sit under the city."""

    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[AgencyKind] = mapped_column(enum_column(AgencyKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    serves_state_bodies_only: Mapped[bool] = mapped_column(Boolean, default=False)
    parent: Mapped[Agency | None] = relationship(remote_side=[id], lazy="joined")

    @property
    def kind_label(self) -> str:
        """The kind in the user's language."""
        return str(AGENCY_KIND_LABELS[self.kind])

    def __repr__(self) -> str:
        return f"<Agency {self.name}>"


class AliasKind(enum.StrEnum):
    """Why an agency is known by another name."""

    FORMER = "former"  # its name before a merger (the July 2025 reorganisation)
    OTHER = "other"  # how another system writes it


ALIAS_KIND_LABELS = {AliasKind.FORMER: _l("Former name"),
                     AliasKind.OTHER: _l("Other spelling")}


class AgencyAlias(db.Model):
    """Another name of an agency that imports accept: a former ward merged into it, or how
    the one-stop system or the city's software writes it. ``key`` is the name as matched
    (``matching.agency_key``): one key, one agency."""

    __tablename__ = "agency_aliases"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[AliasKind] = mapped_column(enum_column(AliasKind), default=AliasKind.OTHER)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_label: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    agency: Mapped[Agency] = relationship(lazy="joined")

    @property
    def kind_label(self) -> str:
        """The kind in the user's language."""
        return str(ALIAS_KIND_LABELS[self.kind])


class Field(db.Model):
    """A field of administrative procedures (lĩnh vực), e.g. Hộ tịch."""

    __tablename__ = "fields"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    procedures: Mapped[list[Procedure]] = relationship(back_populates="field",
                                                        order_by="Procedure.name")


class Procedure(db.Model):
    """An administrative procedure within a field."""

    __tablename__ = "procedures"
    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"))
    name: Mapped[str] = mapped_column(String(300))
    field: Mapped[Field] = relationship(back_populates="procedures")

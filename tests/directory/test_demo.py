"""The demo ships a few agency aliases, imported like a user's list (audited)."""

from __future__ import annotations

from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.directory.matching import AgencyIndex
from fieldwork.directory.models import AgencyAlias
from fieldwork.directory.operations import known_names


def test_the_demo_aliases(demo_year, db):
    aliases = {a.name: a.agency.name for a in db.session.scalars(select(AgencyAlias))}
    assert aliases["Phường Thạch Thang"] == "Phường Hải Châu"
    assert aliases["Xã Hòa Phong"] == "Xã Hòa Vang" and len(aliases) == 8
    index = AgencyIndex(known_names())
    hai_chau = index.find("Phường Hải Châu")
    assert len(hai_chau) == 1 and index.find("UBND phường Thạch Thang") == hai_chau
    assert index.find("P. Phuoc Ninh") == hai_chau
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "directory.alias_import")) is not None

"""Privacy state changes: grant and revoke the contact-data right (key rotation: ``rotation``)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.operations import record
from ..errors import OperationError
from ..extensions import db
from ..timeutil import utcnow
from .models import PrivacyGrant


def grant_contact_access(target, data: dict, user) -> PrivacyGrant:
    """Let ``target`` see contact data of ``data['survey_id']`` (None = every survey)."""
    from ..auth.models import User
    from ..plans.models import Survey

    if not isinstance(target, User):
        raise OperationError(_("Unknown user."))
    survey_id = data.get("survey_id") or None
    if survey_id is not None and db.session.get(Survey, survey_id) is None:
        raise OperationError(_("Unknown survey."))
    existing = db.session.scalar(select(PrivacyGrant).where(
        PrivacyGrant.user_id == target.id, PrivacyGrant.revoked_at.is_(None),
        PrivacyGrant.survey_id.is_(None) if survey_id is None
        else PrivacyGrant.survey_id == survey_id))
    if existing is not None:
        raise OperationError(_("This user already holds that right."))
    grant = PrivacyGrant(user_id=target.id, survey_id=survey_id,
                         granted_by_id=getattr(user, "id", None), granted_at=utcnow(),
                         reason=(data.get("reason") or "").strip() or None)
    db.session.add(grant)
    db.session.flush()
    record(user, "privacy.grant", grant, after={"user": target.email, "survey_id": survey_id},
           reason=grant.reason)
    return grant


def revoke_contact_access(grant: PrivacyGrant, data: dict, user) -> PrivacyGrant:
    """End a grant (kept for the record, with who revoked it and when)."""
    if grant.revoked_at is not None:
        raise OperationError(_("This right was already revoked."))
    grant.revoked_at = utcnow()
    grant.revoked_by_id = getattr(user, "id", None)
    db.session.flush()
    record(user, "privacy.revoke", grant, before={"active": True}, after={"active": False},
           reason=(data.get("reason") or "").strip() or None)
    return grant

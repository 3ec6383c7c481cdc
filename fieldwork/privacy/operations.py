"""Privacy state changes: grant and revoke the contact-data right, rotate the data keys."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.operations import record
from ..errors import OperationError
from ..extensions import db
from ..timeutil import utcnow
from .crypto import DecryptError, Keyring
from .models import PrivacyGrant
from .registry import ENCRYPTED

BATCH = 500


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


def rotate_encrypted(ring: Keyring, user) -> dict[str, int]:
    """Re-encrypt every registered column under the newest key and recompute blind indexes."""
    counts: dict[str, int] = {}
    for col in ENCRYPTED:
        model = col.resolve()
        if model is None:
            continue
        enc_attr = getattr(model, col.enc)
        ids = list(db.session.scalars(select(model.id).where(enc_attr.is_not(None))
                                      .order_by(model.id)))
        for start in range(0, len(ids), BATCH):
            rows = db.session.scalars(select(model).where(
                model.id.in_(ids[start:start + BATCH])))
            for row in rows:
                token = getattr(row, col.enc)
                try:
                    setattr(row, col.enc, ring.rotate(token))
                    if col.hash:
                        setattr(row, col.hash, ring.blind_index(col.kind, ring.decrypt(token)))
                except DecryptError:
                    raise OperationError(
                        f"{model.__tablename__} row {row.id}: none of the keys decrypts "
                        f"{col.enc}; nothing was rotated (is an old key missing?)") from None
            db.session.flush()
        counts[f"{model.__tablename__}.{col.enc}"] = len(ids)
    record(user, "privacy.keys_rotate", object_type="privacy", after={"rows": counts})
    return counts


def undecryptable(ring: Keyring) -> int:
    """How many stored tokens the newest key alone cannot open (0 before retiring old keys)."""
    only_new = Keyring(ring.keys[:1])
    bad = 0
    for col in ENCRYPTED:
        model = col.resolve()
        if model is None:
            continue
        for token in db.session.scalars(select(getattr(model, col.enc)).where(
                getattr(model, col.enc).is_not(None))):
            try:
                only_new.decrypt(token)
            except ValueError:
                bad += 1
    return bad

"""Who may see respondents' contact data, and how it is shown to everyone else.

Re-check officers and users holding a grant (``privacy_grants``) are entitled for a
survey; everyone else sees masked values. On a single sheet a re-check officer without a
grant sees contacts only if the sheet is in a frozen re-check draw. A response that shows a
plain value is sent ``Cache-Control: private, no-store`` (``mark_contact_shown``).
"""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import or_, select

from ..auth.roles import RoleName
from ..extensions import db
from .crypto import DecryptError, decrypt
from .mask import MASKERS
from .models import PrivacyGrant


def _survey_id(survey) -> int | None:
    return survey if isinstance(survey, int) or survey is None else survey.id


def has_grant(user, survey=None) -> bool:
    """True if ``user`` holds an active grant for ``survey`` (or for every survey)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    q = select(PrivacyGrant.id).where(PrivacyGrant.user_id == user.id,
                                      PrivacyGrant.revoked_at.is_(None))
    sid = _survey_id(survey)
    if sid is not None:
        q = q.where(or_(PrivacyGrant.survey_id.is_(None), PrivacyGrant.survey_id == sid))
    return db.session.scalar(q.limit(1)) is not None


def can_see_contact(user, survey) -> bool:
    """Re-check officers and users granted the right may see contacts of ``survey``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.has_role(RoleName.RECHECK) or has_grant(user, survey)


def can_see_sheet_contact(user, sheet) -> bool:
    """Grant holders see any sheet of their survey; re-check officers only drawn sheets."""
    if has_grant(user, sheet.survey_id):
        return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not user.has_role(RoleName.RECHECK):
        return False
    from ..features import optional_module
    models = optional_module("fieldwork.quality.models")
    if models is None:
        return False
    return db.session.scalar(select(models.RecheckItem.id).where(
        models.RecheckItem.sheet_id == sheet.id).limit(1)) is not None


def can_export_identified(user, survey=None) -> bool:
    """Exports keep phone and ID only for users granted the right (else de-identified)."""
    return has_grant(user, survey)


NO_STORE = "private, no-store"


def mark_contact_shown() -> None:
    """Note that this response shows respondents' contact data: it is sent ``no-store``."""
    if has_request_context():
        g.contact_shown = True


def no_store_if_contact_shown(response):
    """After a request: a response that showed contact data is never cached."""
    if g.get("contact_shown"):
        response.headers["Cache-Control"] = NO_STORE
    return response


def reveal(kind: str, token: str | None, allowed: bool) -> str:
    """The decrypted value if ``allowed``, else its mask; '' when there is no value."""
    if not token:
        return ""
    try:
        plain = decrypt(token)
    except DecryptError:
        return "?"
    if allowed:
        mark_contact_shown()
        return plain
    return MASKERS[kind](plain)


def shown_contact(user, sheet, kind: str) -> str:
    """A sheet's phone ('phone') or citizen ID ('cid') as ``user`` may see it."""
    token = getattr(sheet, f"{kind}_enc", None)
    return reveal(kind, token, can_see_sheet_contact(user, sheet) if token else False)

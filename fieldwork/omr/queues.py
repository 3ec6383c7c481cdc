"""The scanning station's work queues: doubtful marks, handwriting to type, pages missing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from ..auth.roles import RoleName
from ..extensions import db
from ..queues import Queue, Row, register_queue
from .contact import CONTACT, may_see
from .models import (
    ItemStatus,
    PageStatus,
    ScanAnswer,
    ScanPage,
    ScanSheet,
    SheetStatus,
    TextRegion,
    VerificationItem,
)

# Listed under the first of these roles the user holds.
VERIFY = (RoleName.SCANNER, RoleName.ENUMERATOR, RoleName.MANAGER)
UPLOAD = (RoleName.SCANNER, RoleName.MANAGER)


def to_verify(user) -> list[Row]:
    """Pending doubtful answers by survey; contact answers only where the user has the right
    to see contact data (as the queue page shows them)."""
    contact = case((ScanAnswer.question.in_(list(CONTACT)), 1), else_=0)
    rows = db.session.execute(
        select(VerificationItem.survey_id, contact, func.count(), func.min(ScanPage.created_at))
        .join(ScanAnswer, ScanAnswer.id == VerificationItem.answer_id)
        .join(ScanPage, ScanPage.id == ScanAnswer.page_id)
        .where(VerificationItem.status == ItemStatus.PENDING)
        .group_by(VerificationItem.survey_id, contact)).all()
    out: dict[int, list] = {}
    for sid, is_contact, n, oldest in rows:
        if is_contact and not may_see(user, sid):
            continue
        got = out.setdefault(sid, [0, oldest])
        got[0] += n
        got[1] = min(got[1], oldest) if got[1] and oldest else got[1] or oldest
    return [Row(sid, n, oldest) for sid, (n, oldest) in out.items()]


def to_type(user) -> list[Row]:
    """Handwritten regions with ink on counted pages that nobody has typed yet."""
    return [Row(sid, n, oldest) for sid, n, oldest in db.session.execute(
        select(ScanPage.survey_id, func.count(), func.min(ScanPage.created_at))
        .join(TextRegion, TextRegion.page_id == ScanPage.id)
        .where(ScanPage.status == PageStatus.READ, TextRegion.has_ink.is_(True),
               TextRegion.text.is_(None))
        .group_by(ScanPage.survey_id))]


def pages_missing(user) -> list[Row]:
    """Sheets seen in scans with pages still missing (to find and scan)."""
    return [Row(sid, n, oldest) for sid, n, oldest in db.session.execute(
        select(ScanSheet.survey_id, func.count(), func.min(ScanSheet.updated_at))
        .where(ScanSheet.status == SheetStatus.INCOMPLETE)
        .group_by(ScanSheet.survey_id))]


def register() -> None:
    """The scanning station's queues."""
    register_queue(Queue("omr.verify", _l("Doubtful marks to verify"), VERIFY, to_verify,
                         "omr.verify", lambda survey: {"survey": survey.id}, nav="omr.verify",
                         order=20))
    register_queue(Queue("omr.texts", _l("Handwritten answers to type"), VERIFY, to_type,
                         "omr.texts", lambda survey: {"survey": survey.id}, nav="omr.texts",
                         order=21))
    register_queue(Queue("omr.missing", _l("Scanned sheets with pages missing"), UPLOAD,
                         pages_missing, "omr.index", nav="omr.index", order=22))

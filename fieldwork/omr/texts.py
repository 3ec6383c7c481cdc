"""Keying the free-text answers cut out of scanned pages (comments, codes written by hand).

A text region with writing waits until a person types what it says; a region without ink
is taken as blank without asking anyone.  Typing is audited and marks the sheet as changed,
so data entry review takes the text in.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..errors import OperationError
from ..extensions import db
from ..timeutil import utcnow
from .models import PageStatus, ScanPage, ScanSheet, TextRegion

MAX_TEXT = 2000


def pending_texts(survey_id: int | None = None):
    """Regions with writing on counted pages that nobody has typed yet."""
    q = select(TextRegion).join(ScanPage, ScanPage.id == TextRegion.page_id).where(
        ScanPage.status == PageStatus.READ, TextRegion.has_ink.is_(True),
        TextRegion.text.is_(None))
    if survey_id is not None:
        q = q.where(ScanPage.survey_id == survey_id)
    return q


def next_text(survey_id: int | None = None, after: int = 0) -> TextRegion | None:
    """The oldest region waiting after id ``after`` (wrapping to the start)."""
    q = pending_texts(survey_id)
    found = db.session.scalar(q.where(TextRegion.id > after).order_by(TextRegion.id).limit(1))
    return found or db.session.scalar(q.order_by(TextRegion.id).limit(1))


def key_text(region: TextRegion, data: dict, user) -> TextRegion:
    """Record what a region says (an empty text: nothing legible was written)."""
    if region.page.status != PageStatus.READ:
        raise OperationError(_("This page is no longer the counted reading."))
    text = " ".join(str(data.get("text") or "").split())
    if len(text) > MAX_TEXT:
        raise OperationError(_("At most %(n)d characters.", n=MAX_TEXT))
    before = region.text
    if before == text:
        return region
    region.text = text
    sheet = db.session.scalar(select(ScanSheet).where(
        ScanSheet.survey_id == region.page.survey_id, ScanSheet.serial == region.page.serial))
    if sheet is not None:
        sheet.updated_at = utcnow()  # review takes the new text in
    db.session.flush()
    audit.record(user, "scan.text", region, before={"text": before},
                 after={"text": text, "question": region.question,
                        "serial": region.page.serial_text, "page": region.page.page_no})
    return region

"""The verification queue: a person decides each doubtful or multiple answer, audited.

Decisions (one key each in the browser):

* ``accept``: the reading is right as shown (only when it is one valid answer);
* ``set``: these values (an option code, several codes, or the digits);
* ``blank``: nothing was answered;
* ``invalid``: the respondent's answer is unusable (e.g. two boxes in a single choice).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..errors import OperationError
from ..extensions import db
from ..timeutil import utcnow
from . import storage
from .contact import CONTACT, is_contact, may_see, seal, unseal
from .models import ItemStatus, PageStatus, ScanAnswer, ScanPage, VerificationItem
from .sheets import refresh_sheet

DECISIONS = ("accept", "set", "blank", "invalid")


def question_boxes(page: ScanPage, question: str) -> list[dict]:
    """The stored box rows (with layout geometry) of one question on a page."""
    return [b for b in (page.boxes or []) if b["question"] == question]


def options_of(page: ScanPage, question: str) -> list[str]:
    """The option codes of a choice question, in printed order."""
    seen: list[str] = []
    for b in question_boxes(page, question):
        if b.get("position") is None and b["option"] not in seen:
            seen.append(b["option"])
    return seen


def positions_of(page: ScanPage, question: str) -> int:
    """The number of digit positions of a grid question (0 for a choice question)."""
    pos = {b["position"] for b in question_boxes(page, question) if b.get("position") is not None}
    return len(pos)


def _valid(answer: ScanAnswer, page: ScanPage, values: list[str]) -> list[str]:
    """``values`` checked against what the question allows; OperationError if not."""
    values = [str(v).strip() for v in values if str(v).strip()]
    if answer.kind in ("digits", "date"):
        digits = "".join(values)
        n = positions_of(page, answer.question)
        if not digits.isdigit() or len(digits) > n:
            raise OperationError(_("Type up to %(n)d digits.", n=n))
        if answer.kind == "date":
            try:
                dt.date(int(digits[4:8]), int(digits[2:4]), int(digits[0:2]))
            except ValueError:
                raise OperationError(_("Type the date as 8 digits: ddmmyyyy.")) from None
        return list(digits)
    allowed = options_of(page, answer.question)
    bad = [v for v in values if v not in allowed]
    if bad:
        raise OperationError(_("Unknown option: %(v)s.", v=", ".join(bad)))
    if answer.kind == "single" and len(values) > 1:
        raise OperationError(_("A single-choice question takes one answer; choose one or "
                               "mark it invalid."))
    return [o for o in allowed if o in values]


def decide(item: VerificationItem, data: dict, user) -> ScanAnswer:
    """Record a person's decision on an item and update the answer and its sheet."""
    action = data.get("action")
    if action not in DECISIONS:
        raise OperationError(_("Unknown decision."))
    if item.status != ItemStatus.PENDING:
        raise OperationError(_("This item was already decided."))
    answer = item.answer
    page = answer.page
    if page.status != PageStatus.READ:
        raise OperationError(_("This page is no longer the counted reading."))
    contact = is_contact(answer.question)
    if contact and not may_see(user, page.survey_id):
        raise OperationError(_("Only people entitled to see respondents' contact data may "
                               "verify a phone number or citizen ID."))
    before = {"values": list(answer.values), "status": answer.status}
    read = answer.plain_values
    if action == "accept":
        if answer.status == "multiple" or "?" in read or (
                answer.kind == "single" and len(read) > 1):
            raise OperationError(_("The reading is not one answer: choose the value."))
        values = _valid(answer, page, read)
    elif action == "set":
        values = _valid(answer, page, list(data.get("values") or []))
    else:
        values = []
    if contact:  # the decision is kept encrypted; the answer and the item show it masked
        values, answer.secret = seal(answer.question, values, unseal(answer.secret)["boxes"])
    answer.values = values
    answer.status = "invalid" if action == "invalid" else ("ok" if values else "blank")
    answer.source, answer.confidence = "verified", 1.0
    item.status, item.decision, item.decided_values = ItemStatus.DECIDED, action, values
    item.decided_by_id, item.decided_at = getattr(user, "id", None), utcnow()
    db.session.flush()
    refresh_sheet(page.survey_id, page.serial, _pages_expected(page))
    audit.record(user, "scan.verify", answer, before=before,
                 after={"values": values, "status": answer.status, "decision": action,
                        "serial": page.serial_text, "page": page.page_no})
    return answer


def _pages_expected(page: ScanPage) -> int:
    from ..forms.models import PrintBatch

    printed = db.session.get(PrintBatch, page.print_batch_id) if page.print_batch_id else None
    return printed.pages_per_sheet if printed else 1


def pending_query(survey_id: int | None = None, user=None):
    """Pending items (of one survey), without contact questions unless ``user`` may see them."""
    q = select(VerificationItem).where(VerificationItem.status == ItemStatus.PENDING)
    if survey_id is not None:
        q = q.where(VerificationItem.survey_id == survey_id)
    if user is not None:
        hidden = [s for s in _surveys_with_contact_items(survey_id) if not may_see(user, s)]
        if hidden:
            q = q.where(~(VerificationItem.survey_id.in_(hidden) & VerificationItem.answer_id.in_(
                select(ScanAnswer.id).where(ScanAnswer.question.in_(list(CONTACT))))))
    return q


def _surveys_with_contact_items(survey_id: int | None) -> list[int]:
    q = select(VerificationItem.survey_id).join(
        ScanAnswer, ScanAnswer.id == VerificationItem.answer_id).where(
        VerificationItem.status == ItemStatus.PENDING, ScanAnswer.question.in_(list(CONTACT)))
    if survey_id is not None:
        q = q.where(VerificationItem.survey_id == survey_id)
    return list(db.session.scalars(q.distinct()))


def next_item(survey_id: int | None = None, after: int = 0,
              user=None) -> VerificationItem | None:
    """The oldest pending item after id ``after`` (wrapping to the start) ``user`` may decide."""
    q = pending_query(survey_id, user)
    found = db.session.scalar(q.where(VerificationItem.id > after)
                              .order_by(VerificationItem.id).limit(1))
    return found or db.session.scalar(q.order_by(VerificationItem.id).limit(1))


def crop_png(page: ScanPage, question: str, boxes: list[dict] | None = None,
             image: np.ndarray | None = None) -> bytes | None:
    """A PNG of a question on its upright page, boxes read as marked outlined in blue.

    ``boxes``: the question's full box rows when they are not on the page (contact data);
    ``image``: the page as the user may see it (``serving.visible_page``), else the stored one.
    """
    import cv2

    if not page.image_path or not page.upright:
        return None
    if image is None:
        image = storage.load_grey(page.image_path)
    boxes = boxes or question_boxes(page, question)
    if image is None or not boxes:
        return None
    width = image.shape[1] / page.scale
    x, y, w, h = storage.question_rect(boxes, width)
    crop = cv2.cvtColor(storage.crop_rect(image, (x, y, w, h), page.scale), cv2.COLOR_GRAY2BGR)
    for b in boxes:
        if b.get("marked"):
            p0 = (int((b["x"] - x - 2) * page.scale), int((b["y"] - y - 2) * page.scale))
            p1 = (int((b["x"] + b["w"] - x + 2) * page.scale),
                  int((b["y"] + b["h"] - y + 2) * page.scale))
            cv2.rectangle(crop, p0, p1, (200, 90, 0), 2)
    if max(crop.shape[:2]) < 400:  # small crops are enlarged for the eye
        crop = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    ok, buf = cv2.imencode(".png", np.ascontiguousarray(crop))
    return buf.tobytes() if ok else None

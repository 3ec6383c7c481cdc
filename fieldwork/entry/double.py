"""Double entry: which sheets are keyed twice, the comparison, adjudication, keyer error rates.

The draw is a pure function of (seed, serial): the same setting always picks the same
sheets, whatever order they are keyed in.  The second keyer never sees the first keying;
differences wait for an adjudicator (a manager who keyed neither pass), whose decision
also tells which keyer was wrong, and that is what the error rates count.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit
from ..errors import OperationError
from ..extensions import db
from ..privacy.mask import MASKERS
from ..timeutil import utcnow
from .models import (
    CONTACT_QUESTIONS,
    DoubleMode,
    EntryDifference,
    EntrySettings,
    EntrySheet,
    Keying,
    Stage,
)
from .validation import check_answers

CHOICES = ("key1", "key2", "other")


def settings_for(survey) -> EntrySettings:
    """The survey's double-entry setting (an unsaved default when none was made)."""
    found = db.session.scalar(select(EntrySettings).where(EntrySettings.survey_id == survey.id))
    return found or EntrySettings(survey_id=survey.id, double_mode=DoubleMode.NONE,
                                  percent=0, seed=0)


def drawn(settings: EntrySettings, serial: int) -> bool:
    """Whether ``serial`` is keyed twice under ``settings`` (seeded, order-independent)."""
    mode = DoubleMode(settings.double_mode or DoubleMode.NONE)
    if mode == DoubleMode.ALL:
        return True
    if mode == DoubleMode.NONE or not settings.percent:
        return False
    digest = hashlib.sha256(f"{settings.seed}:{serial}".encode()).hexdigest()
    return int(digest[:8], 16) % 10000 < int(settings.percent) * 100


def _value(keying: Keying, question: str):
    """What a keying holds for a question: its values, or the blind index for contacts."""
    kind = CONTACT_QUESTIONS.get(question)
    if kind:
        return getattr(keying, f"{kind}_hash")
    return list(keying.values.get(question, []))


def compare(sheet: EntrySheet, first: Keying, second: Keying) -> list[EntryDifference]:
    """Record a difference for every question the two keyings disagree on."""
    found = []
    for q in sheet.version.questionnaire.questions():
        if _value(first, q.code) != _value(second, q.code):
            diff = EntryDifference(sheet_id=sheet.id, question=q.code)
            db.session.add(diff)
            found.append(diff)
    db.session.flush()
    return found


def keyed_pair(sheet: EntrySheet) -> tuple[Keying, Keying]:
    """The first and second keyings of a double-keyed sheet."""
    by_pass = {k.pass_no: k for k in sheet.keyings}
    return by_pass[1], by_pass[2]


def adjudicate(sheet: EntrySheet, data: dict, user) -> None:
    """Decide every open difference: {question: {"choice": ..., "value": ...}}, the choice
    key1|key2|other between two keyings, keyed|scan|other between the keying and the scan."""
    if sheet.stage != Stage.ADJUDICATION:
        raise OperationError(_("This sheet has no differences waiting for adjudication."))
    if any(k.keyed_by_id == user.id for k in sheet.keyings):
        raise OperationError(_("You keyed this sheet; another person must adjudicate it."))
    if not any(d.kind == "double" and not d.resolved for d in sheet.differences):
        from .conflicts import adjudicate_scan
        from .sources import scan_contact_reader
        changes = adjudicate_scan(sheet, data, user, scan_contact_reader(sheet))
        audit.record(user, "entry.adjudicate", sheet, after={
            "serial": sheet.serial_text, "kind": "scan", "decisions": changes})
        return
    first, second = keyed_pair(sheet)
    qn = sheet.version.questionnaire
    errors: dict[str, str] = {}
    decided = []
    for diff in [d for d in sheet.differences if not d.resolved and d.kind == "double"]:
        choice = (data.get(diff.question) or {}).get("choice")
        if choice not in CHOICES:
            errors[diff.question] = _("Choose key 1, key 2 or type the value on the paper.")
            continue
        if choice == "other":
            raw = (data.get(diff.question) or {}).get("value")
            checked = check_answers(qn, {diff.question: raw})
            if checked.errors.get(diff.question):
                errors[diff.question] = checked.errors[diff.question][0]
                continue
            kind = CONTACT_QUESTIONS.get(diff.question)
            final = (checked.contact.get(kind, ""), kind) if kind else checked.values[
                diff.question]
        else:
            final = None
        decided.append((diff, choice, final))
    if errors:
        raise AdjudicationError(errors)
    changes = {}
    for diff, choice, final in decided:
        changes[diff.question] = _decide(sheet, diff, choice, final, first, second, user)
    if not any(not d.resolved for d in sheet.differences):
        sheet.stage = Stage.FINAL
    db.session.flush()
    audit.record(user, "entry.adjudicate", sheet, after={
        "serial": sheet.serial_text, "decisions": changes})


def _decide(sheet, diff, choice, final, first, second, user) -> dict:
    from .operations import apply_contact, set_answer

    kind = CONTACT_QUESTIONS.get(diff.question)
    if kind:
        if choice == "other":
            apply_contact(sheet, kind, final[0])
        else:
            src = first if choice == "key1" else second
            for suffix in ("enc", "hash"):
                setattr(sheet, f"{kind}_{suffix}", getattr(src, f"{kind}_{suffix}"))
        chosen = getattr(sheet, f"{kind}_hash")
        set_answer(sheet, diff.question, [], "adjudicated", contact=bool(chosen))
        diff.key1_wrong = getattr(first, f"{kind}_hash") != chosen
        diff.key2_wrong = getattr(second, f"{kind}_hash") != chosen
        shown = MASKERS[kind](final[0]) if choice == "other" else choice
    else:
        values = {"key1": _value(first, diff.question),
                  "key2": _value(second, diff.question)}.get(choice, final)
        set_answer(sheet, diff.question, values, "adjudicated")
        diff.key1_wrong = _value(first, diff.question) != values
        diff.key2_wrong = _value(second, diff.question) != values
        shown = values
    diff.resolved, diff.decision = True, choice
    diff.resolved_by_id, diff.resolved_at = user.id, utcnow()
    return {"choice": choice, "value": shown}


class AdjudicationError(OperationError):
    """Some differences were not decided or had bad values; ``errors`` by question."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(_("Decide every difference; see the messages next to them."))


@dataclass
class KeyerRate:
    """One keyer's double-entry record."""

    user_id: int
    name: str
    sheets: int  # double-keyed sheets this person keyed one pass of, fully adjudicated
    fields: int  # answers compared
    errors: int  # answers this person got wrong (per the adjudicator)
    pending: int  # differences not adjudicated yet

    @property
    def rate(self) -> float | None:
        """Errors per answer compared, or None when nothing was compared."""
        return self.errors / self.fields if self.fields else None


def error_rates(survey) -> list[KeyerRate]:
    """Per keyer: compared sheets and answers, errors found by adjudication, open differences."""
    from ..auth.models import User

    rows = db.session.execute(select(Keying, EntrySheet).join(
        EntrySheet, EntrySheet.id == Keying.sheet_id).where(
        EntrySheet.survey_id == survey.id, EntrySheet.double.is_(True),
        EntrySheet.stage != Stage.AWAITING_KEY2)).all()
    per: dict[int, KeyerRate] = {}
    sizes: dict[int, int] = {}
    for keying, sheet in rows:
        if sheet.version_id not in sizes:
            sizes[sheet.version_id] = sum(1 for _q in sheet.version.questionnaire.questions())
        r = per.setdefault(keying.keyed_by_id, KeyerRate(keying.keyed_by_id, "", 0, 0, 0, 0))
        if sheet.stage == Stage.ADJUDICATION:  # who was wrong is not known yet
            r.pending += db.session.scalar(select(func.count(EntryDifference.id)).where(
                EntryDifference.sheet_id == sheet.id, EntryDifference.kind == "double",
                EntryDifference.resolved.is_(False))) or 0
            continue
        r.sheets += 1
        r.fields += sizes[sheet.version_id]
        wrong = EntryDifference.key1_wrong if keying.pass_no == 1 else EntryDifference.key2_wrong
        r.errors += db.session.scalar(select(func.count(EntryDifference.id)).where(
            EntryDifference.sheet_id == sheet.id, EntryDifference.kind == "double",
            wrong.is_(True))) or 0
    for r in per.values():
        user = db.session.get(User, r.user_id)
        r.name = user.name if user else str(r.user_id)
    return sorted(per.values(), key=lambda r: (-(r.rate or 0), r.name))

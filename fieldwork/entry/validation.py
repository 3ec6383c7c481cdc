"""Checks while keying: pure functions from a questionnaire and typed values to clean values.

A *hard error* (bad code, out of range, malformed phone, citizen ID or date) blocks saving; a
*soft warning* (a required question left blank, an answer although its "only if" condition
does not hold) is saved only once the keyer confirms that the paper says so.  Values are
stored the way the OMR reader stores them, so every source compares alike: a choice is a
list of option codes in printed order, digits and dates are lists of single digits
(dates as ``ddmmyyyy``), free text is a one-element list.  Contact questions (phone,
citizen ID) come back separately in ``contact`` and never sit among the values.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from ..forms.spec import Question, Questionnaire, evaluate, parse_condition
from .models import CONTACT_QUESTIONS

MOBILE_PREFIXES = ("03", "05", "07", "08", "09")
MAX_TEXT = 2000
_SPACES = re.compile(r"[\s.\-()]+")


@dataclass
class Checked:
    """Clean values, contact data, and per-question errors (block) and warnings (confirm)."""

    values: dict[str, list[str]] = field(default_factory=dict)
    contact: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No hard error."""
        return not self.errors

    def warning_list(self) -> list[str]:
        """Every warning as ``code: message`` (what a confirmation is recorded for)."""
        return [f"{code}: {m}" for code, msgs in self.warnings.items() for m in msgs]


def clean_phone(text: str) -> tuple[str, str | None]:
    """A Vietnamese mobile number as its 10 digits, and an error message or None."""
    raw = _SPACES.sub("", text or "")
    if raw.startswith("+84"):
        raw = "0" + raw[3:]
    elif raw.startswith("84") and len(raw) == 11:
        raw = "0" + raw[2:]
    if not raw.isdigit():
        return raw, _("A phone number has digits only (spaces and +84 are allowed).")
    if len(raw) != 10:
        return raw, _("A Vietnamese mobile number has 10 digits, e.g. 0912 345 678.")
    if not raw.startswith(MOBILE_PREFIXES):
        return raw, _("A Vietnamese mobile number starts with 03, 05, 07, 08 or 09.")
    return raw, None


def clean_cid(text: str) -> tuple[str, str | None]:
    """A citizen ID (căn cước) as its 12 digits, and an error message or None."""
    raw = _SPACES.sub("", text or "")
    if not raw.isdigit() or len(raw) != 12:
        return raw, _("A citizen ID has exactly 12 digits.")
    return raw, None


def clean_date(text: str) -> tuple[list[str], str | None]:
    """A date typed as dd/mm/yyyy or ddmmyyyy, as 8 digits, and an error message or None."""
    raw = (text or "").strip()
    parts = re.split(r"[/.\-\s]+", raw)
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        day, month, year = parts
        raw = f"{int(day):02d}{int(month):02d}{year}"
    if not (raw.isdigit() and len(raw) == 8):
        return [], _("Type the date as dd/mm/yyyy.")
    try:
        dt.date(int(raw[4:]), int(raw[2:4]), int(raw[:2]))
    except ValueError:
        return [], _("%(d)s is not a date.", d=f"{raw[:2]}/{raw[2:4]}/{raw[4:]}")
    return list(raw), None


def clean_digits(q: Question, text: str) -> tuple[list[str], str | None]:
    """A number typed for a digit grid, checked against its size and range."""
    raw = _SPACES.sub("", text or "")
    if not raw.isdigit():
        return [], _("Type digits only.")
    if q.digits and len(raw) > q.digits:
        return [], _("At most %(n)d digits.", n=q.digits)
    number = int(raw)
    if q.min is not None and number < q.min or q.max is not None and number > q.max:
        low = q.min if q.min is not None else 0
        high = q.max if q.max is not None else 10 ** (q.digits or 1) - 1
        return [], _("The value must be between %(a)d and %(b)d.", a=low, b=high)
    return list(raw), None


def clean_choice(q: Question, raw) -> tuple[list[str], str | None]:
    """Option codes (or 1-based option numbers) checked against the question's options."""
    typed = [raw] if isinstance(raw, str) else list(raw or [])
    typed = [str(v).strip() for v in typed if str(v).strip()]
    codes = [o.code for o in q.options]
    picked, bad = set(), []
    for v in typed:
        if v in codes:
            picked.add(v)
        elif v.isdigit() and 1 <= int(v) <= len(codes):
            picked.add(codes[int(v) - 1])
        else:
            bad.append(v)
    if bad:
        return [], _("Not an option of this question: %(v)s.", v=", ".join(bad))
    if q.kind == "single" and len(picked) > 1:
        return [], _("Only one answer may be chosen.")
    return [c for c in codes if c in picked], None


def relevant(q: Question, values: dict[str, list[str]]) -> bool:
    """Whether the question applies given the answers before it ("only if")."""
    if not q.relevant:
        return True
    answers = {code: (v[0] if len(v) == 1 else v) for code, v in values.items()}
    return evaluate(parse_condition(q.relevant), answers)


def own_message(q: Question, name: str) -> str:
    """The form's own text ``name`` of ``q`` ("constraint_message", "required_message",
    "hint": from its XLSForm) in the user's language; "" if the form has none."""
    from flask import has_request_context
    from flask_babel import get_locale
    english = has_request_context() and str(get_locale() or "").startswith("en")
    return (getattr(q, f"{name}_en") if english else "") or getattr(q, name)


def hint_text(q: Question) -> str:
    """The question's hint in the user's language ("" if none)."""
    return own_message(q, "hint")


def _is_blank(raw) -> bool:
    if isinstance(raw, str):
        return not raw.strip()
    return not [v for v in (raw or []) if str(v).strip()]


def _clean_one(q: Question, raw) -> tuple[list[str], str | None]:
    if q.kind in ("single", "multiple"):
        return clean_choice(q, raw)
    text = raw if isinstance(raw, str) else " ".join(str(v) for v in raw or [])
    if q.code in CONTACT_QUESTIONS:
        cleaned, error = (clean_phone if q.code == "phone" else clean_cid)(text)
        return [cleaned], error
    if q.kind == "date":
        return clean_date(text)
    if q.kind == "digits":
        return clean_digits(q, text)
    text = text.strip()
    if len(text) > MAX_TEXT:
        return [], _("At most %(n)d characters.", n=MAX_TEXT)
    return [text], None


def check_answers(qn: Questionnaire, raw: dict) -> Checked:
    """Check typed answers (question code -> text or list) against the questionnaire."""
    out = Checked()
    for q in qn.questions():
        value = raw.get(q.code)
        applies = relevant(q, out.values)
        if _is_blank(value):
            out.values[q.code] = []
            if q.required and applies:
                if own := own_message(q, "required_message"):
                    out.warnings.setdefault(q.code, []).append(own)
                out.warnings.setdefault(q.code, []).append(
                    _("Required question left blank: confirm the paper is blank."))
            continue
        cleaned, error = _clean_one(q, value)
        if error and q.kind == "digits" and (own := own_message(q, "constraint_message")):
            error = f"{own} ({error})"
        if error:
            out.errors.setdefault(q.code, []).append(error)
            out.values[q.code] = []
            continue
        if not applies:
            out.warnings.setdefault(q.code, []).append(
                _("Answered although its condition (%(c)s) does not hold: confirm it is on "
                  "the paper.", c=q.relevant))
        if q.code in CONTACT_QUESTIONS:
            out.contact[CONTACT_QUESTIONS[q.code]] = cleaned[0]
            out.values[q.code] = []
        else:
            out.values[q.code] = cleaned
    return out


def display(q: Question, values: list[str]) -> str:
    """A stored value as a person reads it (labels for options, dd/mm/yyyy for dates)."""
    if not values:
        return ""
    if q.kind in ("single", "multiple"):
        labels = {o.code: o.label for o in q.options}
        return "; ".join(labels.get(v, v) for v in values)
    if q.kind == "date" and len(values) == 8:
        s = "".join(values)
        return f"{s[:2]}/{s[2:4]}/{s[4:]}"
    if q.kind == "digits":
        return "".join(values)
    return " ".join(values)


def as_typed(q: Question, values: list[str]) -> str | list[str]:
    """A stored value back as a form would hold it (for pre-filled edit forms)."""
    if q.kind == "multiple":
        return list(values)
    if q.kind == "single":
        return values[0] if values else ""
    return display(q, values) if q.kind in ("date", "digits") else " ".join(values)

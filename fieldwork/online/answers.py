"""Checking a self-completed answer against the approved questionnaire (no database).

The keyed-entry checks (``entry.validation.check_answers``) clean every value; on top of
them a respondent must answer every required question that applies, answers to questions
that do not apply are dropped (a citizen who changed "Chưa hài lòng" to "Hài lòng" keeps no
reasons), and the identity follows seed 002: a dossier code, or phone and citizen ID.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..entry.validation import Checked, check_answers, own_message, relevant
from ..forms.spec import Questionnaire

IDENTITY = ("dossier_code", "phone", "citizen_id")
# Filled in by the system, never asked: the date, and the agency and field of the page.
AUTO = ("survey_date", "agency", "field")
MAX_CODE = 64


def asked(qn: Questionnaire) -> list:
    """The questions the page asks, in printed order (identity and automatic ones apart)."""
    return [q for q in qn.questions() if q.code not in IDENTITY + AUTO]


def identity_codes(qn: Questionnaire) -> set[str]:
    """Which of phone and citizen ID this questionnaire has (a dossier code always works)."""
    codes = {q.code for q in qn.questions()}
    return {c for c in ("phone", "citizen_id") if c in codes}


def check_online(qn: Questionnaire, raw: dict, today: date, agency: str,
                 field: str | None = None) -> Checked:
    """Clean values, contact data and errors of one self-completed answer.

    ``raw`` maps question codes (and ``dossier_code``) to what was sent. Warnings never
    remain: a required question left blank is an error here, an answer that does not apply
    is dropped.
    """
    data = {k: v for k, v in raw.items() if k not in AUTO}
    code = str(data.pop("dossier_code", "") or "").strip().upper()
    data["survey_date"] = today.strftime("%d/%m/%Y")
    data["agency"], data["field"] = agency, field or ""
    out = check_answers(qn, data)
    out.warnings = {}
    for q in qn.questions():
        if q.code in IDENTITY or q.code in AUTO:
            continue
        if not relevant(q, out.values):
            out.values[q.code] = []
            out.errors.pop(q.code, None)
        elif q.required and not out.values.get(q.code) and q.code not in out.errors:
            out.errors[q.code] = [own_message(q, "required_message")
                                  or _("Please answer this question.")]
    if len(code) > MAX_CODE:
        out.errors["dossier_code"] = [_("A dossier code has at most %(n)d characters.",
                                        n=MAX_CODE)]
    elif code:
        out.values["dossier_code"] = [code]
    else:
        out.values["dossier_code"] = []
        wanted = identity_codes(qn)
        for needed, kind in (("phone", "phone"), ("citizen_id", "cid")):
            if needed in wanted and kind not in out.contact and needed not in out.errors:
                out.errors[needed] = [_("Enter your dossier code, or your phone number and "
                                        "citizen ID.")]
    return out

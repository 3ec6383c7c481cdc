"""The respondent's form, built at run time from the approved questionnaire version.

Question fields are ``a_<code>`` as in keyed entry, so labels and choices are the paper's;
the identity fields (dossier code, phone, citizen ID) come first, as in seed 002's step 1.
"""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..entry.webforms import PREFIX, MultiCheckboxField, _label, question_text
from ..forms.spec import Question, Questionnaire, parse_condition
from .answers import asked

MAX_TEXT = 2000


def _field(q: Question):
    label = question_text(q)
    if q.kind in ("single", "multiple"):
        choices = [SelectChoice(o.code, _label(o)) for o in q.options]
        cls = RadioField if q.kind == "single" else MultiCheckboxField
        return cls(label, choices=choices, validate_choice=False)
    if q.kind == "text" and (q.text_lines or 1) > 1:
        return TextAreaField(label, render_kw={"maxlength": MAX_TEXT, "rows": 3})
    if q.kind in ("digits", "date"):
        return StringField(label, render_kw={"inputmode": "numeric"})
    return StringField(label, render_kw={"maxlength": 500})


def answer_form(qn: Questionnaire):
    """A form with the identity fields and one field per asked question of ``qn``."""

    class AnswerForm(FlaskForm):
        """One citizen's answer; the question fields are added below."""

        version = HiddenField()
        dossier_code = StringField(_l("Dossier code (on your receipt)"),
                                   render_kw={"maxlength": 64, "autocapitalize": "characters",
                                              "autocomplete": "off", "spellcheck": "false"})
        phone = StringField(_l("Mobile phone number"),
                            render_kw={"inputmode": "tel", "autocomplete": "tel",
                                       "maxlength": 20})
        citizen_id = StringField(_l("Citizen ID number (12 digits)"),
                                 render_kw={"inputmode": "numeric", "autocomplete": "off",
                                            "maxlength": 20})
        submit = SubmitField(_l("Finish"))

    for q in asked(qn):
        setattr(AnswerForm, PREFIX + q.code, _field(q))
    return AnswerForm()  # Flask-WTF reads the request's form data when posted


def raw_answers(form, qn: Questionnaire) -> dict:
    """What the citizen sent, by question code (identity included)."""
    out = {q.code: form[PREFIX + q.code].data for q in asked(qn)}
    out.update(dossier_code=form.dossier_code.data or "", phone=form.phone.data or "",
               citizen_id=form.citizen_id.data or "")
    return out


def show_errors(form, errors: dict) -> None:
    """Put the checks' messages next to their fields."""
    for code, messages in errors.items():
        name = code if code in ("dossier_code", "phone", "citizen_id") else PREFIX + code
        if name in form:
            form[name].errors = list(messages)


def conditions(qn: Questionnaire) -> dict[str, str]:
    """Each conditional question's parsed condition as JSON, for the page's script."""
    return {q.code: json.dumps(parse_condition(q.relevant)) for q in asked(qn) if q.relevant}

"""WTForms of data entry; the keying form is built at run time from a questionnaire version.

Field names are ``a_<question code>`` in printed order, so the tab order follows the paper.
The checks themselves are the pure functions of ``validation``: the views copy their
messages onto the fields, so errors show next to the field they concern.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms.spec import Question, Questionnaire
from .models import CONTACT_QUESTIONS, DoubleMode
from .validation import as_typed

PREFIX = "a_"


class MultiCheckboxField(SelectMultipleField):
    """Several options as check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def question_text(q: Question) -> str:
    """The question in the user's language (Vietnamese when no English is given)."""
    return q.text_en if str(get_locale()) == "en" and q.text_en else q.text


def _label(option) -> str:
    return option.label_en if str(get_locale()) == "en" and option.label_en else option.label


def _field(q: Question):
    label = question_text(q)
    if q.kind in ("single", "multiple"):
        choices = [SelectChoice(o.code, _label(o)) for o in q.options]
        cls = RadioField if q.kind == "single" else MultiCheckboxField
        return cls(label, choices=choices, validate_choice=False)
    if q.kind == "text" and (q.text_lines or 1) > 1 and q.code not in CONTACT_QUESTIONS:
        return TextAreaField(label)
    return StringField(label)


AGENCY_FIELD, FIELD_FIELD = "sheet_agency", "sheet_field"


def keying_form(questionnaire: Questionnaire, formdata=None, data: dict | None = None,
                lists=None):
    """A form with one field per question of ``questionnaire`` (plus confirm and timing).

    ``lists`` (``entry.identity.Lists``): the agency and field are chosen from lists, never
    typed, and the identity questions the paper did not ask are left out.
    """

    class KeyingForm(FlaskForm):
        """One sheet's answers; the question fields are added below."""

        confirmed = BooleanField(_l("Confirmed: the paper says so"))
        interview = BooleanField(_l("An interview or call by our enumerator (no paper form "
                                    "filled in by the respondent)"))
        started = HiddenField()
        submit = SubmitField(_l("Save and open the next sheet"))

    hidden = lists.hidden if lists is not None else set()
    if lists is not None:
        setattr(KeyingForm, AGENCY_FIELD, SelectField(
            _l("Agency that handled the dossier"), coerce=int, validate_choice=False, choices=[
                SelectChoice(0, "—")] + [SelectChoice(i, n) for i, n in lists.agencies]))
        setattr(KeyingForm, FIELD_FIELD, SelectField(
            _l("Field"), coerce=int, validate_choice=False, choices=[
                SelectChoice(0, "—")] + [SelectChoice(i, n) for i, n in lists.fields]))
    for q in questionnaire.questions():
        if q.code not in hidden:
            setattr(KeyingForm, PREFIX + q.code, _field(q))
    prefill = {}
    for q in questionnaire.questions():
        if data and q.code in data and q.code not in CONTACT_QUESTIONS and q.code not in hidden:
            prefill[PREFIX + q.code] = as_typed(q, data[q.code])
    if lists is not None:
        prefill[AGENCY_FIELD] = lists.agency_id or 0
        prefill[FIELD_FIELD] = lists.field_id or 0
    return KeyingForm(formdata=formdata, data=prefill)


def only_if_hints(questionnaire: Questionnaire) -> dict[str, str]:
    """Each conditional question's "only if" in words, as printed on the paper."""
    from ..forms.blocks import describe
    from ..forms.spec import parse_condition

    numbers = {q.code: i for i, q in enumerate(questionnaire.questions(), 1)}
    return {q.code: describe(parse_condition(q.relevant), questionnaire, numbers)
            for q in questionnaire.questions() if q.relevant}


def raw_answers(form, questionnaire: Questionnaire) -> dict:
    """The typed answers of a keying form, by question code (the questions it shows)."""
    return {q.code: form[PREFIX + q.code].data for q in questionnaire.questions()
            if PREFIX + q.code in form}


def chosen(form) -> tuple[int | None, int | None]:
    """(agency id, field id) chosen from the lists of a keying form (None: not chosen)."""
    if AGENCY_FIELD not in form:
        return None, None
    return form[AGENCY_FIELD].data or None, form[FIELD_FIELD].data or None


def show_errors(form, checked) -> None:
    """Put the checks' errors and warnings next to their fields."""
    for code, messages in checked.errors.items():
        target = PREFIX + code if PREFIX + code in form else _list_for(code)
        if target in form:
            form[target].errors = list(messages)
    for code, messages in checked.warnings.items():
        target = PREFIX + code if PREFIX + code in form else _list_for(code)
        if target in form:
            form[target].warnings = list(messages)


def _list_for(code: str) -> str:
    return {"agency": AGENCY_FIELD, "field": FIELD_FIELD}.get(code, "")


class SerialForm(FlaskForm):
    """The serial of the next sheet to key."""

    serial = StringField(_l("Sheet serial"), validators=[DataRequired(), Length(max=12)])
    submit = SubmitField(_l("Open sheet"))


class ReasonForm(FlaskForm):
    """A review change, with its reason where the table asks for one."""

    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])


class EditForm(FlaskForm):
    """Why answers of a reviewed sheet are being changed."""

    reason = TextAreaField(_l("Reason for the change"), validators=[Length(max=2000)])


class SettingsForm(FlaskForm):
    """Double entry of a survey."""

    double_mode = SelectField(_l("Keyed twice"), choices=[
        SelectChoice(DoubleMode.NONE.value, _l("No sheet (single entry)")),
        SelectChoice(DoubleMode.ALL.value, _l("Every sheet")),
        SelectChoice(DoubleMode.PERCENT.value, _l("A percentage drawn at random"))])
    percent = IntegerField(_l("Percentage of sheets"),
                           validators=[Optional(), NumberRange(min=1, max=100)])
    seed = IntegerField(_l("Random seed (the same seed draws the same sheets)"),
                        validators=[Optional(), NumberRange(min=0, max=2 ** 31 - 1)])
    submit = SubmitField(_l("Save"))


class SyncForm(FlaskForm):
    """Take in the sheets the scanning station finished."""

    submit = SubmitField(_l("Take in scanned sheets"))

"""WTForms for questionnaire pages and print batches (``forms`` means questionnaires here)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class TemplateForm(FlaskForm):
    """Start a new draft from a built-in template."""

    template = SelectField(_l("Template"), choices=[
        SelectChoice("danang-2025", _l("Da Nang 2025 form (Decision 2223/QĐ-UBND)")),
        SelectChoice("sipas", _l("SIPAS-style form (5 aspects, 5-level scale)"))])
    submit = SubmitField(_l("Create draft"))


class ImportForm(FlaskForm):
    """Upload an XLSForm workbook as a new draft."""

    file = FileField(_l("XLSForm file (.xlsx)"), validators=[
        FileRequired(), FileAllowed(["xlsx"], _l("Only .xlsx workbooks are accepted."))])
    submit = SubmitField(_l("Import"))


class QuestionForm(FlaskForm):
    """Edit one question of a draft."""

    text = TextAreaField(_l("Question text (Vietnamese)"),
                         validators=[DataRequired(), Length(max=1000)])
    text_en = TextAreaField(_l("Question text (English)"), validators=[Length(max=1000)])
    required = BooleanField(_l("Required"))
    relevant = StringField(_l("Only if (condition)"), validators=[Length(max=300)],
                           description=_l("e.g. q01 == 'no' or selected(q02, 'reason_a')"))
    min = IntegerField(_l("Minimum"), validators=[Optional()])
    max = IntegerField(_l("Maximum"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class DecisionForm(FlaskForm):
    """Comment that goes with a transition (required to return a version)."""

    comment = TextAreaField(_l("Comments"), validators=[Length(max=5000)])


class QuickPrintForm(FlaskForm):
    """Print in two clicks: what (an agency's generic sheets, or drawn dossiers), how many."""

    target = SelectField(_l("Sheets for"), validate_choice=False)
    count = IntegerField(_l("Number of sheets"), validators=[Optional(), NumberRange(min=1)],
                         description=_l("For drawn dossiers: empty prints every one not "
                                        "printed yet."))
    submit = SubmitField(_l("Print"))


class PrintForm(QuickPrintForm):
    """Print a batch of sheets, with the less common choices."""

    field_id = SelectField(_l("Field"), coerce=int,
                           description=_l("Empty: the respondent ticks the field among the "
                                          "agency's fields."))
    version = SelectField(_l("Version"), coerce=int)
    start_serial = IntegerField(_l("First serial"), validators=[Optional(), NumberRange(min=1)])
    pilot = BooleanField(_l("Pilot print (watermarked PILOT, never counted as live data)"))
    reprint_reason = StringField(
        _l("Print drawn dossiers again, because"), validators=[Length(max=500)],
        description=_l("Only for sheets still out: their old serials become void."))
    assigned_user_id = SelectField(_l("Hand out to enumerator"), coerce=int)
    note = StringField(_l("Note"), validators=[Length(max=500)])

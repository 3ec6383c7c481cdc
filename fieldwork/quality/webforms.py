"""WTForms of the quality pages: a re-check draw and an outcome."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange

from .models import OUTCOME_LABELS, PERIOD_LABELS, Outcome, PeriodKind


class DrawForm(FlaskForm):
    """Draw a re-check sample of one period's approved sheets."""

    period_kind = SelectField(_l("Period"), choices=[SelectChoice(k.value, PERIOD_LABELS[k])
                                                     for k in PeriodKind])
    period = StringField(_l("Which period"), validators=[DataRequired(), Length(max=16)],
                         description=_l("A month as 2026-03 or a quarter as 2026-Q1."))
    size_mode = SelectField(_l("Size per agency"), choices=[
        SelectChoice("count", _l("Number of sheets")),
        SelectChoice("percent", _l("Percentage of sheets"))])
    size_value = IntegerField(_l("Sample size"),
                              validators=[DataRequired(), NumberRange(1, 100000)])
    seed = IntegerField(_l("Seed"), validators=[NumberRange(0, 2 ** 31 - 1)],
                        description=_l("The same seed on the same sheets draws the same sample."))
    reason = StringField(_l("Reason (needed to draw a period again)"),
                         validators=[Length(max=500)])
    submit = SubmitField(_l("Draw and freeze the sample"))


class OutcomeForm(FlaskForm):
    """What the respondent said when contacted."""

    outcome = SelectField(_l("Outcome"), choices=[
        SelectChoice(o.value, OUTCOME_LABELS[o]) for o in Outcome if o != Outcome.PENDING])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Save the outcome"))

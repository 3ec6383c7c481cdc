"""WTForms of the quality pages: the re-check rule, a draw and an outcome."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .models import OUTCOME_LABELS, PERIOD_LABELS, Outcome, PeriodKind

SIZE_CHOICES = [SelectChoice("count", _l("Number of sheets")),
                SelectChoice("percent", _l("Percentage of sheets"))]


class DrawForm(FlaskForm):
    """Draw one period under the plan's rule (a larger share is a request to Home Affairs)."""

    period = StringField(_l("Which period"), validators=[DataRequired(), Length(max=16)],
                         description=_l("A month as 2026-03 or a quarter as 2026-Q1."))
    size_mode = SelectField(_l("Larger share (optional)"), choices=SIZE_CHOICES, default="count")
    size_value = IntegerField(_l("Larger share: size per agency"),
                              validators=[Optional(), NumberRange(1, 100000)],
                              description=_l("Leave empty to draw what the plan's rule says. "
                                             "More than the rule goes to Home Affairs."))
    reason = StringField(_l("Reason (needed for a larger share or a period drawn again)"),
                         validators=[Length(max=500)])
    submit = SubmitField(_l("Draw and freeze the sample"))


class RuleForm(FlaskForm):
    """The plan's re-check rule (the manager sets it; Home Affairs approves it)."""

    period_kind = SelectField(_l("Re-check every"), choices=[SelectChoice(k.value, PERIOD_LABELS[k])
                                                            for k in PeriodKind])
    monthly_from = IntegerField(
        _l("Monthly from (dossiers a year)"), validators=[Optional(), NumberRange(1, 10**7)],
        description=_l("Optional: agencies with at least this many dossiers a year are "
                       "re-checked every month, the others every quarter."))
    size_mode = SelectField(_l("Share per agency"), choices=SIZE_CHOICES)
    size_value = IntegerField(_l("Size per agency"),
                              validators=[DataRequired(), NumberRange(1, 100000)])
    basis = StringField(_l("Where the plan says so"), validators=[DataRequired(), Length(max=500)],
                        description=_l("E.g. Plan, section Methods; Decision 2223, III.2.d."))
    submit = SubmitField(_l("Save the rule"))


class OutcomeForm(FlaskForm):
    """What the respondent said when contacted."""

    outcome = SelectField(_l("Outcome"), choices=[
        SelectChoice(o.value, OUTCOME_LABELS[o]) for o in Outcome if o != Outcome.PENDING])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Save the outcome"))

"""WTForms for surveys."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange


class SurveyForm(FlaskForm):
    """Create a survey year."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(2000, 2100)])
    contractor = StringField(_l("Survey contractor"), validators=[Length(max=200)])
    description = TextAreaField(_l("Description"))
    submit = SubmitField(_l("Create"))

"""WTForms of the privacy pages: grant and revoke the contact-data right."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class GrantForm(FlaskForm):
    """Let a user see respondents' phone numbers and citizen IDs."""

    user = SelectField(_l("User"), coerce=int, validators=[DataRequired()])
    survey = SelectField(_l("Survey"), coerce=int,
                         description=_l("“All surveys” also covers surveys created later."))
    reason = StringField(_l("Why this person needs the contact data"),
                         validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Grant"))


class RevokeForm(FlaskForm):
    """End a grant."""

    reason = StringField(_l("Reason"), validators=[Length(max=500)])
    submit = SubmitField(_l("Revoke"))

"""WTForms for sign-in, password change and user administration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Sign in"))


class ChangePasswordForm(FlaskForm):
    """Current password and the new one twice."""

    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("New password again"), validators=[DataRequired()])
    submit = SubmitField(_l("Save"))


class MultiCheckboxField(SelectMultipleField):
    """A set of check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    """A manager creates an account."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Initial password"), validators=[DataRequired()])
    roles = MultiCheckboxField(_l("Roles"), validators=[DataRequired()])
    agency_id = SelectField(_l("Agency (for agency reviewers)"), coerce=int,
                            validators=[Optional()])
    submit = SubmitField(_l("Create"))


class EditUserForm(FlaskForm):
    """A manager edits an account (the password is reset separately)."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    roles = MultiCheckboxField(_l("Roles"), validators=[DataRequired()])
    agency_id = SelectField(_l("Agency (for agency reviewers)"), coerce=int,
                            validators=[Optional()])
    submit = SubmitField(_l("Save"))

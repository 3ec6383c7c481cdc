"""WTForms of the frame pages: upload, plan counts, draw."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from .models import METHOD_LABELS, DrawMethod


class UploadForm(FlaskForm):
    """The one-stop system's list of dossiers with results returned."""

    file = FileField(_l("Dossier list (CSV or XLSX)"), validators=[FileRequired()],
                     description=_l("Columns: dossier code, agency, field, procedure, dates "
                                    "received, due and returned, applicant name, phone, "
                                    "citizen ID; UTF-8 or Windows-1258."))
    submit = SubmitField(_l("Upload and map columns"))


class CountsForm(FlaskForm):
    """Take the plan's dossier counts N from the frame."""

    submit = SubmitField(_l("Set the plan's dossier counts from the frame"))


class DrawForm(FlaskForm):
    """Options of a draw of respondents."""

    seed = IntegerField(_l("Seed"), validators=[NumberRange(0, 2**31 - 1)],
                        description=_l("The same seed on the same frame gives the same draw."))
    method = SelectField(_l("Method"), choices=[SelectChoice(m.value, METHOD_LABELS[m])
                                                for m in DrawMethod])
    by_field = BooleanField(_l("Strata by agency and field"), default=True)
    late_first = BooleanField(_l("Late dossiers first"),
                              description=_l("Dossiers returned after their due date are "
                                             "drawn before the others."))
    reserve_percent = IntegerField(_l("Reserves for refusals (percent of the sample)"), default=20,
                                   validators=[NumberRange(0, 200)])
    size = IntegerField(_l("Total sample (optional)"), validators=[Optional(), NumberRange(1)],
                        description=_l("Empty: each agency's required sample in the plan."))
    reason = StringField(_l("Reason for drawing again"),
                         description=_l("Required when respondents were drawn already."))
    submit = SubmitField(_l("Draw respondents"))

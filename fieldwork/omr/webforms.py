"""WTForms of the scanning station: upload, replace a reading."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, MultipleFileField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class UploadForm(FlaskForm):
    """Scanned files for one batch."""

    survey = SelectField(_l("Survey"), coerce=int,
                         description=_l("Pages of any other survey are rejected."))
    pilot = BooleanField(_l("Pilot sheets (trial printing)"),
                         description=_l("A live batch rejects pilot sheets and the reverse."))
    files = MultipleFileField(_l("Scanned files (PDF, TIFF, PNG, JPEG)"))
    note = StringField(_l("Note"), validators=[Length(max=500)])
    submit = SubmitField(_l("Upload and read"))


class ReplaceForm(FlaskForm):
    """Make a re-scan the counted reading of its sheet page."""

    reason = StringField(_l("Why the re-scan replaces the earlier reading"),
                         validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Replace the earlier reading"))

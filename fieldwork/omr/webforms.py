"""WTForms of the scanning station: upload, replace a reading, set up a watched inbox."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, NumberRange


class UploadForm(FlaskForm):
    """Scanned files for one batch."""

    survey = SelectField(_l("Survey"), coerce=int,
                         description=_l("Pages of any other survey are rejected."))
    agency = SelectField(_l("Sheets of one agency only"), coerce=int, default=0,
                         validate_choice=False,
                         description=_l("Optional: a sheet printed for another agency is "
                                        "then refused instead of counted."))
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


class InboxForm(FlaskForm):
    """A folder network scanners write into, watched and read for one survey."""

    name = StringField(_l("Name"), validators=[Length(max=120)],
                       description=_l("E.g. the scanner or the room; the folder's name if empty."))
    path = StringField(_l("Folder"), validators=[DataRequired(), Length(max=1000)],
                       description=_l("A folder of its own under the inbox root of this server "
                                      "(a name alone is made under it)."))
    survey = SelectField(_l("Survey"), coerce=int)
    operator = SelectField(_l("Scanning operator"), coerce=int,
                           description=_l("The batches made from this folder are recorded as "
                                          "hers."))
    pilot = BooleanField(_l("Pilot sheets (trial printing)"))
    settle_seconds = IntegerField(_l("Seconds a file must stay unchanged"), default=10,
                                  validators=[NumberRange(0, 3600)])
    give_up_seconds = IntegerField(_l("Seconds before an unfinished file is rejected"),
                                   default=300, validators=[NumberRange(1, 3600)])
    submit = SubmitField(_l("Watch this folder"))

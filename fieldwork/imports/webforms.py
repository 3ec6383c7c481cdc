"""WTForms of the import pages: upload, then the column mapping built from the file's header."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional


class UploadForm(FlaskForm):
    """A results file of another source: the city's online software, the call centre 1022
    or a source the survey declared (choices set by the view)."""

    survey = SelectField(_l("Survey"), coerce=int)
    source = SelectField(_l("Source"))
    file = FileField(_l("File (CSV or XLSX)"), validators=[FileRequired()],
                     description=_l("Columns: agency, date, satisfied or not, reasons, and the "
                                    "dossier code where the source has it; UTF-8 (with or "
                                    "without BOM) or Windows-1258."))
    submit = SubmitField(_l("Upload and map columns"))


class HeaderRowForm(FlaskForm):
    """Where the column names are, when the reader did not find them (or found wrong)."""

    header_row = StringField(_l("Column names in row(s)"),
                             description=_l("A row number, e.g. 5, or 5-6 for names on two rows "
                                            "(merged cells above sub-columns)."))
    apply_header = SubmitField(_l("Read the columns from there"))


class LettersForm(FlaskForm):
    """What each reason letter of a file means (one select per letter, added below)."""

    apply_letters = SubmitField(_l("Read the letters this way"))


def letter_field(x: str) -> str:
    """The form field of a reason letter ('đ' -> 'l_dd')."""
    return "l_dd" if x == "đ" else f"l_{x}"


def letters_form(given: dict[str, str]) -> LettersForm:
    """A select per reason letter (a ... i, đ) of every reason's wording, preset to ``given``."""
    from .reasons import CODES, LETTERS, label

    choices = [SelectChoice("", "—")] + [SelectChoice(c, label(c)) for c in CODES]

    class Form(LettersForm):
        pass

    for x in LETTERS:
        setattr(Form, letter_field(x), SelectField(x, choices=choices, default=given.get(x, "")))
    return Form(prefix="let")


class SourceForm(FlaskForm):
    """Declare a further source of a survey (e.g. SIPAS results)."""

    survey = SelectField(_l("Survey"), coerce=int)
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=40)],
                       description=_l("Lower-case letters, digits and _, e.g. sipas_2026."))
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=200)],
                        description=_l("Whose results these are, as figures will name them."))
    owner = StringField(_l("Run by"), validators=[Optional(), Length(max=200)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    declare = SubmitField(_l("Declare the source"))


class MappingBase(FlaskForm):
    """Buttons of the mapping step; one select per target field is added at run time."""

    skip_invalid = BooleanField(_l("Import the good rows and leave out rejected ones"),
                                description=_l("Otherwise one bad row stops the whole file."))
    dry_run = SubmitField(_l("Dry run (check only)"))
    commit = SubmitField(_l("Import"))


def mapping_form(fields, headers: list[str], mapping: dict[str, str]) -> MappingBase:
    """A mapping form with a column select for each field, preset from ``mapping``."""
    choices = [SelectChoice("", "—")] + [SelectChoice(h, h) for h in headers if h]

    class MappingForm(MappingBase):
        pass

    for f in fields:
        label = f.label + ("" if f.required else " " + str(_l("(optional)")))
        setattr(MappingForm, f"map_{f.name}",
                SelectField(label, choices=choices, default=mapping.get(f.name, "")))
    return MappingForm()

"""WTForms of the import pages: upload, then the column mapping built from the file's header."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice

from .models import CHANNEL_LABELS, Channel


class UploadForm(FlaskForm):
    """A results file from the online survey or the call centre."""

    survey = SelectField(_l("Survey"), coerce=int)
    channel = SelectField(_l("Channel"), choices=[SelectChoice(c.value, CHANNEL_LABELS[c])
                                                    for c in Channel])
    file = FileField(_l("File (CSV or XLSX)"), validators=[FileRequired()],
                     description=_l("Columns: agency, date, satisfied or not, reasons; "
                                    "UTF-8 (with or without BOM) or Windows-1258."))
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

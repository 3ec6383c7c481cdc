"""WTForms of the directory pages: one alias (from a dry run's unknown names), an alias list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from .models import ALIAS_KIND_LABELS, AliasKind


def _agency_id(value) -> int | None:
    """A select's agency id; None for the blank "choose" entry."""
    return None if value in ("", None) else int(value)


class AliasForm(FlaskForm):
    """Add a name as an alias of an agency (choices of agencies set by the caller)."""

    name = StringField(_l("Name as written"), validators=[DataRequired(), Length(max=200)])
    agency_id = SelectField(_l("Agency it means"), coerce=_agency_id,
                            validators=[InputRequired()])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, ALIAS_KIND_LABELS[k])
                                            for k in AliasKind], default=AliasKind.OTHER.value)
    next = HiddenField()
    submit = SubmitField(_l("Add as alias"))


class AliasListForm(FlaskForm):
    """A CSV or XLSX list of aliases: other name, agency, kind, note."""

    file = FileField(_l("Alias list (CSV or XLSX)"), validators=[FileRequired()],
                     description=_l("Columns: other name, agency, kind (former or other), "
                                    "note. All rows are added, or none."))
    submit = SubmitField(_l("Import aliases"))

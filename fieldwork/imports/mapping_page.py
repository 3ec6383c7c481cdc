"""What the two mapping pages (results files, dossier lists) share: the header row the user
chose, the choices kept between visits, the alias forms for unknown agency names."""

from __future__ import annotations

from flask import flash, redirect, request
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from .header import parse_header_rows
from .reading import TabularError
from .uploads import UploadStore
from .webforms import HeaderRowForm


def header_form(meta: dict, layout) -> HeaderRowForm:
    """The header-row form, showing the rows the columns were read from."""
    form = HeaderRowForm(prefix="hdr")
    if not (form.is_submitted() and form.apply_header.data):  # not this form's own post
        form.header_row.data = meta.get("header_row") or (layout.header_lines if layout else "")
    return form


def apply_header(store: UploadStore, token: str, form: HeaderRowForm):
    """Keep the header row the user typed (checked) and show the page again; None when the
    request is not this form's."""
    if not (request.method == "POST" and form.apply_header.data):
        return None
    if form.validate_on_submit():
        try:
            parse_header_rows(form.header_row.data)
        except TabularError as exc:
            flash(str(exc), "danger")
        else:
            store.update(token, {"header_row": (form.header_row.data or "").strip(),
                                 "mapping": None})
    return redirect(request.path)


def preset(meta: dict, guessed: dict[str, str], headers: list[str]) -> dict[str, str]:
    """The columns to preselect: the user's last choice where its columns still exist."""
    kept = meta.get("mapping")
    if not kept:
        return guessed
    return {k: v for k, v in kept.items() if v in headers}


def alias_rows(report, next_url: str) -> list[dict]:
    """One row per agency name a dry run did not know: how often, and a form to add it as
    an alias of an agency (the closest name preselected)."""
    if report is None or not report.unknown_agencies:
        return []
    from ..directory.matching import suggest
    from ..directory.models import Agency
    from ..directory.views import agency_choices
    from ..directory.webforms import AliasForm
    from ..extensions import db

    names = db.session.execute(select(Agency.id, Agency.name)).all()
    choices = [SelectChoice("", "—")] + agency_choices()  # no guess: the user chooses
    out = []
    for name, rows in sorted(report.unknown_agencies.items(), key=lambda kv: (-kv[1], kv[0])):
        form = AliasForm(formdata=None)
        form.agency_id.choices = choices
        form.name.data, form.next.data = name, next_url
        form.agency_id.data = suggest(name, names)
        out.append({"name": name, "rows": rows, "form": form})
    return out


def ambiguity_notes(layout, labels: dict[str, str]) -> list[str]:
    """"Columns X and Y both look like field F: choose one." for each such field."""
    if layout is None:
        return []
    return [_("Columns %(cols)s all look like “%(field)s”: choose the right one.",
              cols=", ".join(f"“{c}”" for c in cols), field=labels.get(name, name))
            for name, cols in layout.ambiguous.items()]

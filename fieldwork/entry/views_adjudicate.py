"""Adjudication of differences (two keyings, or keying and scan), and keyer error rates."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.decorators import roles_required
from ..errors import OperationError
from ..extensions import db
from ..omr.models import PageStatus, ScanPage
from ..privacy.access import can_see_sheet_contact, reveal
from ..privacy.mask import MASKERS
from .double import AdjudicationError, adjudicate, error_rates, keyed_pair
from .models import CONTACT_QUESTIONS, EntrySheet, Stage
from .sources import scan_contact_reader
from .validation import display
from .views import bp, keyable_surveys, load_survey
from .views_review import chosen_survey, load_sheet
from .webforms import ReasonForm, question_text
from .workflow import REVIEWERS


@bp.route("/adjudication")
@roles_required(*REVIEWERS)
def adjudication():
    """Sheets whose two keyings disagree, oldest first."""
    survey = chosen_survey()
    sheets = [] if survey is None else db.session.scalars(select(EntrySheet).where(
        EntrySheet.survey_id == survey.id, EntrySheet.stage == Stage.ADJUDICATION
    ).order_by(EntrySheet.serial)).all()
    return render_template("entry/adjudication.html", survey=survey, sheets=sheets,
                           surveys=keyable_surveys())


def _scan_pages(sheet: EntrySheet) -> list[ScanPage]:
    return list(db.session.scalars(select(ScanPage).where(
        ScanPage.survey_id == sheet.survey_id, ScanPage.serial == sheet.serial,
        ScanPage.status == PageStatus.READ).order_by(ScanPage.page_no)))


def _rows(sheet: EntrySheet, allowed: bool) -> list[dict]:
    """Each difference with the two values in front of the adjudicator, as a person reads
    them: the two keyings, or the keying and the scan; and the crop of the scanned answer."""
    qn = sheet.version.questionnaire
    pages = _scan_pages(sheet)
    double = [d for d in sheet.differences if d.kind == "double"]
    first, second = keyed_pair(sheet) if double else (None, None)
    read_contact = scan_contact_reader(sheet)
    keyed = sheet.answer_map()
    rows = []
    for diff in sheet.differences:
        q = qn.question(diff.question)
        kind = CONTACT_QUESTIONS.get(q.code)
        if diff.kind == "double":
            if kind:
                shown = [reveal(kind, getattr(k, f"{kind}_enc"), allowed) for k in (first, second)]
            else:
                shown = [display(q, k.values.get(q.code, [])) for k in (first, second)]
            labels = (("key1", _("Key 1")), ("key2", _("Key 2")))
        else:
            if kind:
                read = read_contact(kind)
                shown = [reveal(kind, getattr(sheet, f"{kind}_enc"), allowed),
                         read if allowed or not read else MASKERS[kind](read)]
            else:
                answer = keyed.get(q.code)
                shown = [display(q, list(answer.values) if answer else []),
                         display(q, diff.scan_values or [])]
            labels = (("keyed", _("Keyed")), ("scan", _("Scan")))
        page = next((p for p in pages if any(b.get("question") == q.code
                                             for b in (p.boxes or []))), None)
        withheld = bool(kind and not allowed and page)
        if withheld:
            page = None  # the crop of a phone or ID shows it: only for those entitled
        rows.append({"diff": diff, "q": q, "text": question_text(q),
                     "choices": [(value, label, shown[i]) for i, (value, label)
                                 in enumerate(labels)],
                     "page": page, "contact": bool(kind), "withheld": withheld})
    return rows


@bp.route("/<code>/sheets/<int:serial>/adjudicate", methods=["GET", "POST"])
@roles_required(*REVIEWERS)
def adjudicate_sheet(code: str, serial: int):
    """Both keyings side by side (and the scan where there is one); decide each difference."""
    survey = load_survey(code)
    sheet = load_sheet(survey, serial)
    if sheet.stage != Stage.ADJUDICATION:
        flash(_("Sheet %(s)s has no differences waiting for adjudication.",
                s=sheet.serial_text), "info")
        return redirect(url_for(".review", code=code, serial=serial))
    errors: dict[str, str] = {}
    status = 200
    form = ReasonForm()
    if request.method == "POST" and form.validate_on_submit():
        data = {d.question: {"choice": request.form.get(f"choice_{d.question}"),
                             "value": request.form.get(f"value_{d.question}", "")}
                for d in sheet.differences if not d.resolved}
        try:
            adjudicate(sheet, data, current_user)
        except AdjudicationError as exc:
            db.session.rollback()
            errors, status = exc.errors, 422
            flash(str(exc), "danger")
        except OperationError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return redirect(url_for(".adjudication", survey=code))
        else:
            db.session.commit()
            flash(_("Sheet %(s)s adjudicated.", s=sheet.serial_text), "success")
            return redirect(url_for(".adjudication", survey=code))
    double = any(d.kind == "double" for d in sheet.differences)
    first, second = keyed_pair(sheet) if double else (None, None)
    return render_template("entry/adjudicate.html", survey=survey, sheet=sheet, form=form,
                           rows=_rows(sheet, can_see_sheet_contact(current_user, sheet)),
                           first=first, second=second, errors=errors), status


@bp.route("/rates")
@roles_required(*REVIEWERS)
def rates():
    """Keyer error rates found by double entry, per person."""
    survey = chosen_survey()
    return render_template("entry/rates.html", survey=survey, surveys=keyable_surveys(),
                           rows=error_rates(survey) if survey else [])

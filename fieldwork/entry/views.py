"""Keying pages: type a serial, key the sheet with the keyboard, save, the next sheet opens."""

from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.decorators import roles_required
from ..errors import OperationError
from ..extensions import db
from ..forms.models import PrintBatch, format_serial
from ..forms.spec import ConditionError, parse_condition
from ..navigation import NavItem, register_nav
from ..plans.models import Survey
from ..plans.models_fieldwork import Assignment, SerialRange
from ..timeutil import utcnow
from . import serials
from .identity import check_choice, for_sheet, lists_for
from .models import EntrySheet, Keying, Stage
from .operations import CheckFailed, already_saved, save_keying
from .validation import Checked, display, hint_text
from .webforms import (
    SerialForm,
    chosen,
    keying_form,
    only_if_hints,
    raw_answers,
    show_errors,
)
from .workflow import KEYERS, REVIEWERS

bp = Blueprint("entry", __name__, url_prefix="/entry")
register_nav(NavItem(_l("Key sheets"), "entry.index", KEYERS))
register_nav(NavItem(_l("Review sheets"), "entry.reviews", REVIEWERS))
register_nav(NavItem(_l("Adjudication"), "entry.adjudication", REVIEWERS))
register_nav(NavItem(_l("Keyer error rates"), "entry.rates", REVIEWERS))


@bp.app_template_filter("relevance_json")
def relevance_json(text: str) -> str:
    """An "only if" condition parsed into JSON for the keying page's script."""
    try:
        return json.dumps(parse_condition(text))
    except ConditionError:
        return "null"


bp.add_app_template_global(hint_text, "hint_text")


@bp.app_template_global("form_codes")
def form_codes(form, prefix: str) -> set[str]:
    """The question codes a keying form shows (the others are known from the sheet's record)."""
    return {name[len(prefix):] for name in form._fields if name.startswith(prefix)}


@bp.app_template_filter("answer_text")
def answer_text(values: list, question) -> str:
    """A final value as a person reads it."""
    return display(question, values)


def load_survey(code: str) -> Survey:
    """The survey by code, or 404."""
    return db.first_or_404(select(Survey).where(Survey.code == code))


def keyable_surveys() -> list[Survey]:
    """Surveys that have live printed sheets, newest first."""
    return list(db.session.scalars(select(Survey).where(Survey.id.in_(
        select(PrintBatch.survey_id).where(PrintBatch.pilot.is_(False)))).order_by(
        Survey.year.desc(), Survey.code)))


@bp.route("/")
@roles_required(*KEYERS)
def index():
    """Pick the survey to key (straight to it when there is only one)."""
    surveys = keyable_surveys()
    if len(surveys) == 1:
        return redirect(url_for(".key", code=surveys[0].code))
    return render_template("entry/index.html", surveys=surveys)


def _my_ranges(survey: Survey) -> list[SerialRange]:
    return list(db.session.scalars(select(SerialRange).join(Assignment).where(
        SerialRange.survey_id == survey.id, Assignment.enumerator_id == current_user.id
    ).order_by(SerialRange.first_serial)))


def _second_queue(survey: Survey) -> list[EntrySheet]:
    mine = select(Keying.sheet_id).where(Keying.keyed_by_id == current_user.id)
    return list(db.session.scalars(select(EntrySheet).where(
        EntrySheet.survey_id == survey.id, EntrySheet.stage == Stage.AWAITING_KEY2,
        EntrySheet.id.not_in(mine)).order_by(EntrySheet.serial).limit(30)))


@bp.route("/<code>/key", methods=["GET", "POST"])
@roles_required(*KEYERS)
def key(code: str):
    """Type the serial of the next sheet; it opens if this person may key it."""
    survey = load_survey(code)
    form = SerialForm(data={"serial": request.args.get("serial", "")})
    if form.validate_on_submit():
        try:
            target = serials.resolve(survey, form.serial.data, current_user)
        except OperationError as exc:
            form.serial.errors = [str(exc)]
        else:
            return redirect(url_for(".sheet", code=code, serial=target.serial))
    keyed = db.session.scalar(select(func.count(Keying.id)).join(EntrySheet).where(
        EntrySheet.survey_id == survey.id, Keying.keyed_by_id == current_user.id)) or 0
    batches = db.session.scalars(select(PrintBatch).where(
        PrintBatch.survey_id == survey.id, PrintBatch.assigned_user_id == current_user.id,
        PrintBatch.pilot.is_(False)).order_by(PrintBatch.first_serial)).all()
    ranges = _my_ranges(survey)
    done = {(r.first_serial, r.last_serial): _keyed_between(survey, r.first_serial,
                                                           r.last_serial)
            for r in [*ranges, *batches]}
    return render_template("entry/key.html", survey=survey, form=form, ranges=ranges,
                           batches=batches, second=_second_queue(survey), keyed=keyed,
                           done=done)


def _keyed_between(survey: Survey, first: int, last: int) -> int:
    return db.session.scalar(select(func.count(EntrySheet.id)).where(
        EntrySheet.survey_id == survey.id, EntrySheet.serial.between(first, last))) or 0


def _started(text: str | None) -> datetime | None:
    try:
        value = datetime.fromisoformat(text or "")
    except ValueError:
        return None
    return value if value.tzinfo and value <= utcnow() else None


def _resent(survey: Survey, serial: int):
    """A sheet sent again with the answers this keyer already saved: say so, go on."""
    if not request.form.get("csrf_token"):
        return None
    def typed(qn):
        form = keying_form(qn, formdata=request.form, lists=lists_for(survey, serial))
        return for_sheet(survey, serial, raw_answers(form, qn), chosen(form))[0]

    sheet = already_saved(survey, serial, current_user, typed)
    if sheet is None:
        return None
    flash(_("Sheet %(s)s was already saved with these answers (your earlier sending arrived); "
            "nothing was saved twice.", s=format_serial(serial)), "success")
    following = serials.next_serial(survey, current_user, serial)
    if following is None:
        return redirect(url_for(".key", code=survey.code))
    return redirect(url_for(".sheet", code=survey.code, serial=following))


@bp.route("/<code>/key/<int:serial>", methods=["GET", "POST"])
@roles_required(*KEYERS)
def sheet(code: str, serial: int):
    """Key one sheet: the form of its questionnaire version, in printed order."""
    survey = load_survey(code)
    try:
        target = serials.resolve(survey, serial, current_user)
    except OperationError as exc:
        if request.method == "POST" and (resent := _resent(survey, serial)) is not None:
            return resent
        flash(str(exc), "danger")
        return redirect(url_for(".key", code=code, serial=serial))
    qn = target.version.questionnaire
    lists = lists_for(survey, target.serial)
    form = keying_form(qn, formdata=request.form if request.method == "POST" else None,
                       lists=lists)
    status, warned = 200, False
    if request.method == "POST" and form.validate():
        identity = chosen(form)
        try:
            problems = check_choice(lists, *identity)
            if problems:
                raise CheckFailed(Checked(errors=problems))
            save_keying(target, raw_answers(form, qn), current_user,
                        confirmed=form.confirmed.data, started_at=_started(form.started.data),
                        interview=bool(form.interview.data) and target.pass_no == 1,
                        identity=identity)
        except CheckFailed as exc:
            db.session.rollback()
            show_errors(form, exc.checked)
            flash(str(exc), "danger" if exc.checked.errors else "warning")
            status, warned = 422, bool(exc.checked.warnings)
        except OperationError as exc:
            db.session.rollback()
            if (resent := _resent(survey, serial)) is not None:  # its twin was saved meanwhile
                return resent
            flash(str(exc), "danger")
            return redirect(url_for(".key", code=code))
        else:
            db.session.commit()
            flash(_("Sheet %(s)s saved (keying %(n)d).", s=target.serial_text,
                    n=target.pass_no), "success")
            following = serials.next_serial(survey, current_user, target.serial)
            if following is None:
                return redirect(url_for(".key", code=code))
            return redirect(url_for(".sheet", code=code, serial=following))
    elif request.method == "POST":
        status = 400
        flash(_("The form expired; nothing was saved. Key the sheet again."), "danger")
    if request.method == "GET":
        form.started.data = utcnow().isoformat()
    return render_template("entry/sheet.html", survey=survey, target=target, form=form,
                           questionnaire=qn, prefix="a_", warned=warned,
                           hints=only_if_hints(qn)), status


from . import views_review  # noqa: E402,F401  (review pages live on this blueprint)

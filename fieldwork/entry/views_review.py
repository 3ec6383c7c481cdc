"""Review pages for the manager: sheet list, one sheet, its changes, edits, settings."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.decorators import roles_required
from ..errors import OperationError
from ..extensions import db
from ..omr.models import PageStatus, ScanPage
from ..plans.models import Survey
from ..privacy.access import can_see_sheet_contact, reveal
from . import operations as ops
from . import workflow
from .double import settings_for
from .identity import check_choice, lists_for
from .models import REVIEW_STATE_LABELS, EntryEdit, EntrySheet, ReviewState
from .sources import sync_from_omr
from .validation import Checked
from .views import bp, keyable_surveys, load_survey
from .webforms import (
    EditForm,
    ReasonForm,
    SettingsForm,
    SyncForm,
    chosen,
    keying_form,
    only_if_hints,
    raw_answers,
)
from .webforms import show_errors as put_errors
from .workflow import REVIEWERS

PAGE = 100


def chosen_survey() -> Survey | None:
    """The survey named by ``?survey=CODE``, else the newest one with printed sheets."""
    code = request.args.get("survey")
    if code:
        return load_survey(code)
    surveys = keyable_surveys()
    return surveys[0] if surveys else None


def load_sheet(survey: Survey, serial: int) -> EntrySheet:
    """A survey's entry record by serial, or 404."""
    return db.first_or_404(select(EntrySheet).where(EntrySheet.survey_id == survey.id,
                                                    EntrySheet.serial == serial))


def contact_of(sheet: EntrySheet, allowed: bool) -> dict[str, str]:
    """The sheet's phone and citizen ID, masked unless ``allowed``."""
    return {kind: reveal(kind, getattr(sheet, f"{kind}_enc"), allowed)
            for kind in ("phone", "cid")}


@bp.route("/reviews")
@roles_required(*REVIEWERS)
def reviews():
    """Sheets of a survey by review state (scanned sheets are taken in first)."""
    survey = chosen_survey()
    if survey is None:
        return render_template("entry/reviews.html", survey=None, surveys=[])
    if sync_from_omr(survey, current_user):
        db.session.commit()
    state = request.args.get("state") or None
    if state is not None and state not in {s.value for s in ReviewState}:
        abort(404)
    counts = dict(db.session.execute(select(EntrySheet.review_state, func.count()).where(
        EntrySheet.survey_id == survey.id).group_by(EntrySheet.review_state)).all())
    q = select(EntrySheet).where(EntrySheet.survey_id == survey.id)
    if state:
        q = q.where(EntrySheet.review_state == ReviewState(state))
    page = max(1, request.args.get("page", 1, type=int))
    sheets = db.session.scalars(q.order_by(EntrySheet.serial).offset((page - 1) * PAGE)
                                .limit(PAGE + 1)).all()
    return render_template(
        "entry/reviews.html", survey=survey, surveys=keyable_surveys(), state=state,
        sheets=sheets[:PAGE], more=len(sheets) > PAGE, page=page, counts=counts,
        labels=REVIEW_STATE_LABELS, received=counts.get(ReviewState.RECEIVED, 0),
        contacts={s.id: contact_of(s, can_see_sheet_contact(current_user, s)) for s in sheets},
        sync_form=SyncForm())


@bp.route("/<code>/sync", methods=["POST"])
@roles_required(*REVIEWERS)
def sync(code: str):
    """Take in the sheets the scanning station finished reading."""
    survey = load_survey(code)
    done = sync_from_omr(survey, current_user)
    db.session.commit()
    flash(_("%(n)d scanned sheet(s) taken in.", n=done), "success")
    return redirect(url_for(".reviews", survey=code))


@bp.route("/<code>/approve-received", methods=["POST"])
@roles_required(*REVIEWERS)
def approve_received(code: str):
    """Approve every sheet received without issues (marks verified, texts typed)."""
    survey = load_survey(code)
    if not SyncForm().validate_on_submit():
        abort(400)
    done = ops.approve_received(survey, current_user)
    db.session.commit()
    flash(_("%(n)d sheet(s) received without issues approved.", n=len(done)), "success")
    return redirect(url_for(".reviews", survey=code))


@bp.route("/<code>/sheets/<int:serial>")
@roles_required(*REVIEWERS)
def review(code: str, serial: int):
    """One sheet: final answers and their sources, keyings, differences, edits, changes."""
    survey = load_survey(code)
    sheet = load_sheet(survey, serial)
    edits = db.session.scalars(select(EntryEdit).where(EntryEdit.sheet_id == sheet.id)
                               .order_by(EntryEdit.id)).all()
    scans = db.session.scalars(select(ScanPage).where(
        ScanPage.survey_id == survey.id, ScanPage.serial == serial,
        ScanPage.status == PageStatus.READ).order_by(ScanPage.page_no)).all()
    return render_template(
        "entry/review.html", survey=survey, sheet=sheet, qn=sheet.version.questionnaire,
        answers=sheet.answer_map(), edits=edits, scans=scans, form=ReasonForm(),
        transitions=workflow.available(sheet, current_user), blockers=workflow.blockers,
        contact=contact_of(sheet, can_see_sheet_contact(current_user, sheet)))


@bp.route("/<code>/sheets/<int:serial>/change/<name>", methods=["POST"])
@roles_required(*REVIEWERS)
def change(code: str, serial: int, name: str):
    """Apply one row of the review table to the sheet."""
    survey = load_survey(code)
    sheet = load_sheet(survey, serial)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("The reason is too long (at most 2,000 characters)."), "danger")
        return redirect(url_for(".review", code=code, serial=serial))
    try:
        ops.transition(sheet, name, current_user, form.reason.data)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("Sheet %(s)s is now “%(state)s”.", s=sheet.serial_text,
                state=sheet.state_label), "success")
    return redirect(url_for(".review", code=code, serial=serial))


@bp.route("/<code>/sheets/<int:serial>/edit", methods=["GET", "POST"])
@roles_required(*REVIEWERS)
def edit(code: str, serial: int):
    """Correct final answers; an approved sheet needs a reason; audited before and after."""
    survey = load_survey(code)
    sheet = load_sheet(survey, serial)
    problems = workflow.blockers(workflow.find("edit"), sheet, current_user) or \
        workflow.keying_done(sheet)
    if problems:
        flash(" ".join(problems), "warning")
        return redirect(url_for(".review", code=code, serial=serial))
    qn = sheet.version.questionnaire
    current = {a.question: a.values for a in sheet.answers}
    posted = request.method == "POST"
    lists = lists_for(survey, sheet.serial, sheet.agency_id, sheet.field_id)
    form = keying_form(qn, formdata=request.form if posted else None, data=current,
                       lists=lists)
    reason = EditForm(formdata=request.form if posted else None)
    status = 200
    if posted and form.validate() and reason.validate():
        identity = chosen(form)
        try:
            problems = check_choice(lists, *identity)
            if problems:
                raise ops.CheckFailed(Checked(errors=problems))
            ops.edit_answers(sheet, raw_answers(form, qn), current_user, reason.reason.data,
                             confirmed=form.confirmed.data, identity=identity)
        except ops.CheckFailed as exc:
            db.session.rollback()
            put_errors(form, exc.checked)
            flash(str(exc), "danger" if exc.checked.errors else "warning")
            status = 422
        except OperationError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            status = 422
        else:
            db.session.commit()
            flash(_("Sheet %(s)s corrected.", s=sheet.serial_text), "success")
            return redirect(url_for(".review", code=code, serial=serial))
    elif posted:
        flash(_("The form expired; nothing was saved."), "danger")
        status = 400
    allowed = can_see_sheet_contact(current_user, sheet)
    return render_template("entry/edit.html", survey=survey, sheet=sheet, form=form,
                           reason_form=reason, questionnaire=qn, prefix="a_",
                           contact=contact_of(sheet, allowed), hints=only_if_hints(qn),
                           needs_reason=sheet.review_state == ReviewState.APPROVED), status


@bp.route("/<code>/settings", methods=["GET", "POST"])
@roles_required(*REVIEWERS)
def settings(code: str):
    """Double entry of the survey: none, every sheet, or a seeded random percentage."""
    survey = load_survey(code)
    row = settings_for(survey)
    form = SettingsForm(obj=row)
    if form.validate_on_submit():
        try:
            ops.update_settings(survey, {"double_mode": form.double_mode.data,
                                         "percent": form.percent.data,
                                         "seed": form.seed.data}, current_user)
        except OperationError as exc:
            db.session.rollback()
            form.percent.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("Double-entry setting saved; it applies to sheets keyed from now on."),
                  "success")
            return redirect(url_for(".settings", code=code))
    return render_template("entry/settings.html", survey=survey, form=form, row=row)


from . import views_adjudicate  # noqa: E402,F401  (adjudication pages live on this blueprint)

"""Re-check pages (draws, the drawn sheets with their contacts, outcomes, summaries) and the
manager's integrity-signals report."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..auth.decorators import check, roles_required
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..navigation import NavItem, register_nav
from ..plans.models import Survey
from ..privacy.access import can_see_sheet_contact, reveal
from . import operations as ops
from .models import DRAWERS, RECHECKERS, DrawState, RecheckDraw, RecheckItem
from .report import integrity_rows
from .rule import rule_of
from .summary import summarise
from .webforms import DrawForm, OutcomeForm

bp = Blueprint("quality", __name__, url_prefix="/quality")
register_nav(NavItem(_l("Re-check"), "quality.recheck", DRAWERS))
register_nav(NavItem(_l("Integrity signals"), "quality.integrity", (RoleName.MANAGER,)))


def _survey() -> tuple[Survey | None, list[Survey]]:
    surveys = list(db.session.scalars(select(Survey).order_by(Survey.year.desc(), Survey.code)))
    wanted = request.args.get("survey", type=int)
    chosen = next((s for s in surveys if s.id == wanted), surveys[0] if surveys else None)
    return chosen, surveys


@bp.route("/recheck", methods=["GET", "POST"])
@roles_required(*DRAWERS)
def recheck():
    """A survey's re-check draws, the draw form and the outcome summaries."""
    survey, surveys = _survey()
    form = DrawForm()
    if survey is not None and form.validate_on_submit():
        try:  # the seed is the server's, never the officer's
            draw = ops.create_draw(survey, {
                "period": form.period.data, "size_mode": form.size_mode.data,
                "size_value": form.size_value.data, "reason": form.reason.data},
                current_user)
        except OperationError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            if draw.state == DrawState.REQUESTED:
                flash(_("This goes beyond the plan's rule: the request waits for Home Affairs. "
                        "Nothing was drawn yet."), "warning")
            else:
                flash(_("Drew %(n)d sheets; the sample is frozen.", n=len(draw.items)),
                      "success")
            return redirect(url_for("quality.draw", draw_id=draw.id))
    draws = list(db.session.scalars(select(RecheckDraw).where(
        RecheckDraw.survey_id == (survey.id if survey else None))
        .order_by(RecheckDraw.created_at.desc()))) if survey else []
    return render_template(
        "quality/recheck.html", survey=survey, surveys=surveys, form=form, draws=draws,
        rule=rule_of(survey.id) if survey else None,
        by_agency=summarise(survey.id, "agency") if survey else [],
        by_enumerator=summarise(survey.id, "enumerator") if survey else [])


@bp.route("/recheck/draws/<int:draw_id>")
@roles_required(*DRAWERS)
def draw(draw_id: int):
    """The drawn sheets; contacts shown only to those entitled (and that viewing is logged)."""
    row = db.session.get(RecheckDraw, draw_id) or abort(404)
    items = []
    shown = 0
    for item in row.items:
        allowed = can_see_sheet_contact(current_user, item.sheet)
        shown += allowed and bool(item.sheet.phone_enc or item.sheet.cid_enc)
        items.append((item, reveal("phone", item.sheet.phone_enc, allowed),
                      reveal("cid", item.sheet.cid_enc, allowed)))
    if shown:
        ops.log_contact_view(row, current_user, shown)
        db.session.commit()
    return render_template("quality/draw.html", draw=row, items=items,
                           can_record=current_user.has_role(*RECHECKERS),
                           by_agency=summarise(row.survey_id, "agency", row.id),
                           by_enumerator=summarise(row.survey_id, "enumerator", row.id))


@bp.route("/recheck/items/<int:item_id>", methods=["GET", "POST"])
@roles_required(*DRAWERS)
def item(item_id: int):
    """One drawn sheet: its contact and answers; re-check officers record the outcome."""
    row = db.session.get(RecheckItem, item_id) or abort(404)
    form = OutcomeForm(obj=None if request.method == "POST" else row)
    if request.method == "POST":
        check(current_user.has_role(*RECHECKERS))
        if form.validate_on_submit():
            try:
                ops.record_outcome(row, {"outcome": form.outcome.data, "notes": form.notes.data},
                                   current_user)
            except OperationError as exc:
                db.session.rollback()
                flash(str(exc), "danger")
            else:
                db.session.commit()
                flash(_("Outcome saved."), "success")
                return redirect(url_for("quality.draw", draw_id=row.draw_id))
    allowed = can_see_sheet_contact(current_user, row.sheet)
    phone = reveal("phone", row.sheet.phone_enc, allowed)
    cid = reveal("cid", row.sheet.cid_enc, allowed)
    if allowed and (row.sheet.phone_enc or row.sheet.cid_enc) and request.method == "GET":
        ops.log_contact_view(row, current_user, 1)
        db.session.commit()
    return render_template("quality/item.html", item=row, form=form, phone=phone, cid=cid,
                           answers=answer_rows(row.sheet),
                           can_record=current_user.has_role(*RECHECKERS))


def answer_rows(sheet) -> list[tuple[str, str]]:
    """(question text, answer) of a sheet's final answers, contact questions left out."""
    from ..entry.models import CONTACT_QUESTIONS
    try:
        spec = sheet.version.questionnaire
    except (ValueError, KeyError, TypeError):  # a broken spec must not hide the answers
        spec = None
    rows = []
    for a in sheet.answers:
        if a.question in CONTACT_QUESTIONS:
            continue
        values = [str(v) for v in a.values or []]
        text = "".join(values) if values and all(len(v) == 1 and v.isdigit() for v in values) \
            else ", ".join(values)
        label = a.question
        if spec is not None:
            try:
                label = f"{a.question} · {spec.question(a.question).text}"
            except KeyError:
                pass
        rows.append((label, text))
    return rows


@bp.route("/integrity")
@roles_required(RoleName.MANAGER)
def integrity():
    """Integrity signals of a survey for the manager (nothing is changed or deleted)."""
    survey, surveys = _survey()
    rows = integrity_rows(survey.id) if survey else []
    return render_template("quality/integrity.html", survey=survey, surveys=surveys, rows=rows)


from . import views_rules  # noqa: E402,F401  (the rule and approval pages, same blueprint)

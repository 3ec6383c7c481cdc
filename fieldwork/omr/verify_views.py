"""The verification queue pages: one doubtful answer at a time, one key per decision."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.decorators import check, roles_required
from ..errors import OperationError
from ..extensions import db
from ..plans.models import Survey
from .models import VERIFIERS, VerificationItem
from .verify import decide, next_item, options_of, pending_query, positions_of
from .views import bp

KEYS = "123456789abcdefghijklmnopqrtuvwyz"  # option shortcuts; 0, s and x are taken


def _survey_id() -> int | None:
    value = request.args.get("survey", type=int)
    return value or None


@bp.route("/verify")
@roles_required(*VERIFIERS)
def verify():
    """The next pending item (optionally of one survey), with its crop and the keys."""
    survey_id = _survey_id()
    item = next_item(survey_id, request.args.get("after", 0, type=int), current_user)
    mine = pending_query(survey_id, current_user).subquery()
    pending = db.session.scalar(select(func.count()).select_from(mine)) or 0
    total = db.session.scalar(select(func.count()).select_from(
        pending_query(survey_id).subquery())) or 0
    surveys = db.session.scalars(select(Survey).order_by(Survey.code)).all()
    if item is None:
        return render_template("omr/verify.html", item=None, pending=0, surveys=surveys,
                               survey_id=survey_id, withheld=total - pending)
    page = item.answer.page
    options = options_of(page, item.answer.question)
    text, labels = _printed(page, item.answer.question)
    keys = [(k, o, labels.get(o, "")) for k, o in zip(KEYS, options, strict=False)]
    read = item.answer.plain_values  # only contact items the user may see reach here
    return render_template("omr/verify.html", item=item, page=page, answer=item.answer,
                           read=read, withheld=total - pending, keys=keys,
                           positions=positions_of(page, item.answer.question),
                           question_text=text, pending=pending, surveys=surveys,
                           survey_id=survey_id)


def _printed(page, code: str) -> tuple[str, dict[str, str]]:
    """The question's printed text and option labels (from its questionnaire version)."""
    from ..forms.models import QuestionnaireVersion

    version = db.session.get(QuestionnaireVersion, page.version_id) if page.version_id else None
    if version is None:
        return "", {}
    try:
        q = version.questionnaire.question(code)
    except (KeyError, ValueError):
        return "", {}
    return q.text, {o.code: o.label for o in (q.options or [])}


@bp.route("/verify/<int:item_id>", methods=["POST"])
@roles_required(*VERIFIERS)
def decide_item(item_id: int):
    """Record one decision, then show the next item."""
    item = db.get_or_404(VerificationItem, item_id)
    survey_id = _survey_id()
    check(current_user.has_role(*VERIFIERS))
    values = request.form.getlist("values")
    if request.form.get("digits") is not None:
        values = list(request.form["digits"].strip())
    try:
        decide(item, {"action": request.form.get("action"), "values": values}, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for(".verify", survey=survey_id, after=item_id - 1))
    db.session.commit()
    flash(_("Saved: %(q)s on sheet %(s)s.", q=item.answer.question,
            s=item.answer.page.serial_text), "success")
    return redirect(url_for(".verify", survey=survey_id, after=item_id))


@bp.route("/texts")
@roles_required(*VERIFIERS)
def texts():
    """The next handwritten text waiting to be typed, with its image."""
    from .texts import next_text, pending_texts

    survey_id = _survey_id()
    region = next_text(survey_id, request.args.get("after", 0, type=int))
    pending = db.session.scalar(select(func.count()).select_from(
        pending_texts(survey_id).subquery())) or 0
    surveys = db.session.scalars(select(Survey).order_by(Survey.code)).all()
    text = _printed(region.page, region.question)[0] if region is not None else ""
    return render_template("omr/texts.html", region=region, pending=pending, surveys=surveys,
                           survey_id=survey_id, question_text=text)


@bp.route("/texts/<int:region_id>", methods=["POST"])
@roles_required(*VERIFIERS)
def key_text(region_id: int):
    """Save what a text region says, then show the next one."""
    from .models import TextRegion
    from .texts import key_text as save

    region = db.get_or_404(TextRegion, region_id)
    survey_id = _survey_id()
    try:
        save(region, {"text": request.form.get("text", "")}, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for(".texts", survey=survey_id, after=region_id - 1))
    db.session.commit()
    return redirect(url_for(".texts", survey=survey_id, after=region_id))

"""Questionnaire pages: versions, edit, preview, compare, approve; print batches."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.decorators import check, roles_required
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..plans.models import Survey
from . import operations as ops
from . import workflow
from .models import QuestionnaireVersion
from .spec import SpecError, diff
from .webforms import DecisionForm, ImportForm, QuestionForm, TemplateForm

bp = Blueprint("forms", __name__, url_prefix="/surveys/<code>/questionnaire")

READERS = (RoleName.MANAGER, RoleName.HOME_AFFAIRS, RoleName.ENUMERATOR, RoleName.SCANNER)

KIND_LABELS = {
    "single": _l("Single choice"), "multiple": _l("Multiple choice"),
    "digits": _l("Digit grid"), "date": _l("Date grid"), "text": _l("Free text (image)"),
}


@bp.app_template_global()
def kind_label(kind: str) -> str:
    """A question kind in the user's language."""
    return str(KIND_LABELS.get(kind, kind))


def load_survey(code: str) -> Survey:
    """The survey by code, or 404."""
    return db.first_or_404(select(Survey).where(Survey.code == code))


def load_version(survey: Survey, number: int) -> QuestionnaireVersion:
    """Version ``number`` of the survey, or 404."""
    return db.first_or_404(select(QuestionnaireVersion).where(
        QuestionnaireVersion.survey_id == survey.id, QuestionnaireVersion.number == number))


def _done(message: str, target: str):
    db.session.commit()
    flash(message, "success")
    return redirect(target)


def _failed(exc: OperationError, target: str):
    db.session.rollback()
    flash(str(exc), "danger")
    return redirect(target)


@bp.route("/")
@roles_required(*READERS)
def index(code: str):
    """Versions of the survey's questionnaire, and how to start a new one."""
    survey = load_survey(code)
    versions = db.session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.survey_id == survey.id).order_by(
        QuestionnaireVersion.number.desc())).all()
    return render_template("forms/index.html", survey=survey, versions=versions,
                           template_form=TemplateForm(), import_form=ImportForm())


@bp.route("/new", methods=["POST"])
@roles_required(RoleName.MANAGER)
def new_from_template(code: str):
    """Start a draft from a built-in template."""
    survey = load_survey(code)
    form = TemplateForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        v = ops.create_from_template(survey, form.template.data, current_user)
    except OperationError as exc:
        return _failed(exc, url_for(".index", code=code))
    return _done(_("Draft version %(n)d created.", n=v.number),
                 url_for(".detail", code=code, number=v.number))


@bp.route("/import", methods=["POST"])
@roles_required(RoleName.MANAGER)
def import_xlsform(code: str):
    """Import an XLSForm workbook as a new draft; a broken file lists its errors by row."""
    from .xlsform import read_xlsform
    survey = load_survey(code)
    form = ImportForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for e in errors:
                flash(str(e), "danger")
        return redirect(url_for(".index", code=code))
    name = form.file.data.filename
    notices: list[str] = []
    try:
        q = read_xlsform(form.file.data.read(), notices)
        v = ops.create_from_questionnaire(survey, q, current_user, f"xlsform:{name}")
    except SpecError as exc:
        db.session.rollback()
        return render_template("forms/import_errors.html", survey=survey, name=name,
                               errors=exc.messages), 422
    except OperationError as exc:
        return _failed(exc, url_for(".index", code=code))
    for notice in notices:
        flash(notice, "info")
    return _done(_("Draft version %(n)d imported from %(name)s.", n=v.number, name=name),
                 url_for(".detail", code=code, number=v.number))


@bp.route("/v<int:number>")
@roles_required(*READERS)
def detail(code: str, number: int):
    """One version: its questions, state, and the actions the user may take."""
    survey = load_survey(code)
    version = load_version(survey, number)
    others = [v.number for v in survey.questionnaire_versions if v.number != number]
    return render_template("forms/detail.html", survey=survey, version=version,
                           q=version.questionnaire, others=sorted(others),
                           reader=as_read(version.questionnaire),
                           actions=workflow.available(version.status, current_user),
                           decision_form=DecisionForm(),
                           fits=page_fit(survey, version.questionnaire))


def page_fit(survey, q) -> list[dict]:
    """How many pages a generic and a personalised sheet take, or why they do not fit."""
    from .imprints import imprint_for
    from .layout import layout_questionnaire, page_budget

    agency = next(iter(sorted((r.agency for r in survey.scope), key=lambda a: a.name)), None)
    out = []
    for label, personal in ((_("Generic sheet"), False), (_("Personalised sheet"), True)):
        try:
            layout = layout_questionnaire(q, survey.code, 1,
                                          imprint=imprint_for(survey, agency, None, personal))
        except SpecError as exc:
            out.append({"label": label, "pages": None, "error": "; ".join(exc.messages)})
        else:
            out.append({"label": label, "pages": len(layout["pages"]), "error": None})
    budget = page_budget(q, None, {})
    for row in out:
        row["budget"] = budget if q.max_pages else None
    return out


def as_read(qn) -> dict:
    """Each question's number and its condition in words, as the printed form says them
    ("Chỉ trả lời nếu câu 8 chọn “Chưa hài lòng”"): the approvers' reading of a version."""
    from .blocks import describe
    from .conditions import parse_condition
    numbers = {x.code: i for i, x in enumerate(qn.questions(), 1)}
    out = {}
    for q in qn.questions():
        words = None
        if q.relevant:
            try:
                words = describe(parse_condition(q.relevant), qn, numbers)
            except (ValueError, KeyError, StopIteration):
                words = q.relevant
        out[q.code] = (numbers[q.code], words)
    return out


@bp.route("/v<int:number>/transition/<name>", methods=["POST"])
@roles_required(RoleName.MANAGER, RoleName.HOME_AFFAIRS)
def transition(code: str, number: int, name: str):
    """Submit, withdraw, approve or return a version."""
    survey = load_survey(code)
    version = load_version(survey, number)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    target = url_for(".detail", code=code, number=number)
    try:
        ops.transition(version, name, current_user, form.comment.data)
    except OperationError as exc:
        return _failed(exc, target)
    return _done(_("Version %(n)d is now: %(status)s.", n=number, status=version.status_label),
                 target)


@bp.route("/v<int:number>/copy", methods=["POST"])
@roles_required(RoleName.MANAGER)
def copy(code: str, number: int):
    """Start a new draft from this version (how an approved version is changed)."""
    survey = load_survey(code)
    version = load_version(survey, number)
    DecisionForm().validate_on_submit() or abort(400)
    try:
        v = ops.create_from_version(version, current_user)
    except OperationError as exc:
        return _failed(exc, url_for(".detail", code=code, number=number))
    return _done(_("Draft version %(n)d created.", n=v.number),
                 url_for(".detail", code=code, number=v.number))


@bp.route("/v<int:number>/q/<qcode>", methods=["GET", "POST"])
@roles_required(RoleName.MANAGER)
def edit_question(code: str, number: int, qcode: str):
    """Edit one question of a draft."""
    survey = load_survey(code)
    version = load_version(survey, number)
    check(version.can_edit(current_user))
    try:
        question = version.questionnaire.question(qcode)
    except KeyError:
        abort(404)
    form = QuestionForm(obj=None if request.method == "POST" else question)
    if form.validate_on_submit():
        data = {k: form.data[k] for k in ("text", "text_en", "required", "relevant", "min",
                                          "max")}
        data["options"] = {o.code: request.form.get(f"option-{o.code}", "")
                           for o in question.options}
        try:
            ops.update_question(version, qcode, data, current_user)
        except OperationError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return render_template("forms/question.html", survey=survey, version=version,
                                   question=question, form=form), 422
        return _done(_("Question %(code)s saved.", code=qcode),
                     url_for(".detail", code=code, number=number) + f"#{qcode}")
    return render_template("forms/question.html", survey=survey, version=version,
                           question=question, form=form)


@bp.route("/v<int:number>/q/<qcode>/delete", methods=["POST"])
@roles_required(RoleName.MANAGER)
def delete_question(code: str, number: int, qcode: str):
    """Remove a question from a draft."""
    survey = load_survey(code)
    version = load_version(survey, number)
    check(version.can_edit(current_user))
    DecisionForm().validate_on_submit() or abort(400)
    target = url_for(".detail", code=code, number=number)
    try:
        ops.remove_question(version, qcode, current_user)
    except OperationError as exc:
        return _failed(exc, target)
    return _done(_("Question %(code)s removed.", code=qcode), target)


@bp.route("/v<int:number>/preview.pdf")
@roles_required(*READERS)
def preview(code: str, number: int):
    """The real printed PDF of one sheet (watermarked, serial 0), shown inline: a generic
    sheet for the first agency of the scope (``?agency=ID`` for another)."""
    from .batches import mac_key
    from .imprints import imprint_for
    from .layout import layout_questionnaire
    from .printing import render_batch
    survey = load_survey(code)
    version = load_version(survey, number)
    q = version.questionnaire
    agencies = {row.agency_id: row.agency for row in survey.scope}
    wanted = request.args.get("agency", type=int)
    agency = agencies.get(wanted) or next(iter(sorted(agencies.values(),
                                                      key=lambda a: a.name)), None)
    imprint = imprint_for(survey, agency)
    try:
        layout = layout_questionnaire(q, survey.code, version.number, imprint=imprint)
    except SpecError as exc:
        flash("; ".join(exc.messages), "danger")
        return redirect(url_for(".detail", code=code, number=number))
    buf = io.BytesIO()
    render_batch(q, layout, survey.title, ["00000000"], mac_key(), pilot=True, out=buf,
                 imprint=imprint)
    buf.seek(0)
    return send_file(buf, mimetype="application/pdf", as_attachment=False,
                     download_name=f"{survey.code}-v{number}-preview.pdf")


@bp.route("/v<int:number>/xlsform.xlsx")
@roles_required(*READERS)
def export_xlsform(code: str, number: int):
    """Download the version as an XLSForm workbook."""
    from .xlsform import write_xlsform
    survey = load_survey(code)
    version = load_version(survey, number)
    data = write_xlsform(version.questionnaire, form_id=f"{survey.code}-v{number}")
    return send_file(io.BytesIO(data), as_attachment=True,
                     download_name=f"{survey.code}-v{number}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument."
                              "spreadsheetml.sheet")


@bp.route("/compare")
@login_required
def compare(code: str):
    """What changed between two versions."""
    check(current_user.has_role(*READERS))
    survey = load_survey(code)
    a = load_version(survey, request.args.get("a", type=int) or 0)
    b = load_version(survey, request.args.get("b", type=int) or 0)
    return render_template("forms/compare.html", survey=survey, a=a, b=b,
                           changes=diff(a.questionnaire, b.questionnaire))


from . import print_views  # noqa: E402,F401  (routes on the same blueprint)

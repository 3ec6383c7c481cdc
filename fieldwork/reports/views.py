"""Report draft pages: versions per scope, a version's figures and comments, new versions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..auth.decorators import check, roles_required
from ..auth.roles import RoleName
from ..directory.models import Field
from ..errors import OperationError
from ..extensions import db
from ..jobs.models import JobStatus
from ..jobs.runner import enqueue
from ..navigation import NavItem, register_nav
from ..plans.models import Survey
from . import drafts
from .models import ReportDraft, ReportScope, scope_key
from .operations import report_target

bp = Blueprint("reports", __name__, url_prefix="/reports")
READERS = (RoleName.MANAGER, RoleName.HOME_AFFAIRS, RoleName.AGENCY)
register_nav(NavItem(_l("Reports"), "reports.index", READERS))


def _survey_or_404(code: str) -> Survey:
    """The survey by code (404) if the user may see it (403)."""
    survey = db.session.scalar(select(Survey).where(Survey.code == code.upper())) or abort(404)
    check(survey.can_view(current_user))
    return survey


def _choices(survey: Survey) -> list[tuple[str, str]]:
    """The scopes a new version may cover: synthesis, each agency in scope, each field."""
    out = [("synthesis", _("Synthesis report"))]
    agencies = {s.agency_id: s.agency.name for s in survey.scope}
    out += [(scope_key(ReportScope.AGENCY, a), _("Agency: %(name)s", name=name))
            for a, name in sorted(agencies.items(), key=lambda kv: kv[1])]
    field_ids = {s.field_id for s in survey.scope if s.field_id}
    q = select(Field).order_by(Field.code)
    if field_ids:
        q = q.where(Field.id.in_(field_ids))
    out += [(scope_key(ReportScope.FIELD, field_id=f.id),
             _("Field: %(name)s", name=f"{f.code} – {f.name}")) for f in db.session.scalars(q)]
    return out


def _groups(survey: Survey) -> list[dict]:
    """The versions the user may read, one group per scope, newest version first."""
    groups: dict[str, dict] = {}
    for d in drafts.drafts_of(survey):
        if not d.can_read(current_user):
            continue
        g = groups.setdefault(d.scope_key, {"key": d.scope_key, "label": d.scope_label,
                                            "drafts": []})
        g["drafts"].append({"draft": d, "reviews": drafts.reviews_of(d)})
    for g in groups.values():
        for item in g["drafts"]:
            item["comments"] = sum(len(r["comments"]) for r in item["reviews"])
    return list(groups.values())


def _page(survey: Survey, form: dict | None = None, status: int = 200):
    """The survey's report page; ``form`` keeps what was typed after a refused POST."""
    from .operations import document_problems, earlier_surveys

    manager = current_user.has_role(RoleName.MANAGER)
    frozen = drafts.is_frozen(survey)
    choices = _choices(survey) if manager and not frozen else []
    selected = (form or {}).get("scope") or request.args.get("scope") or "synthesis"
    if choices and selected not in dict(choices):
        selected = "synthesis"
    latest = drafts.latest_draft(survey, selected) if choices else None
    if form is None:
        form = {"scope": selected, "compare": "1",
                "shortcomings": latest.shortcomings if latest else "",
                "recommendations": latest.recommendations if latest else ""}
    surveys = [s for s in db.session.scalars(select(Survey).order_by(
        Survey.year.desc(), Survey.code)) if s.can_view(current_user)]
    from .dispatch import issue_form, issue_of
    return render_template(
        "reports/survey.html", survey=survey, surveys=surveys, groups=_groups(survey),
        issue=issue_of(survey), issue_form=issue_form(survey) if manager else None,
        manager=manager, frozen=frozen, choices=choices, selected=selected, latest=latest,
        form=form, earlier=earlier_surveys(survey) if choices else [],
        problems=document_problems(survey) if choices else [],
        published=drafts.published_draft(survey), limit=drafts.NARRATIVE_MAX), status


@bp.app_template_global()
def compared_codes(draft) -> str:
    """The codes of the earlier surveys a version was compared with ("DEMO-2024, DEMO-2025")."""
    if draft.earlier:
        return ", ".join(e["code"] for e in draft.earlier)
    return draft.previous_survey.code if draft.previous_survey else ""


@bp.app_template_global()
def report_version_of(attachment_id):
    """The report draft version whose DOCX or PDF is this attachment (for step 5), or None."""
    return drafts.draft_of_attachment(attachment_id)


@bp.route("/")
@roles_required(*READERS)
def index():
    """Surveys whose report drafts the user may read."""
    surveys = [s for s in db.session.scalars(select(Survey).order_by(
        Survey.year.desc(), Survey.code)) if s.can_view(current_user)]
    return render_template("reports/index.html", surveys=surveys)


@bp.route("/<code>")
@roles_required(*READERS)
def survey(code: str):
    """Versions per scope with snapshot, author, files, comments; the new-version form."""
    return _page(_survey_or_404(code))


@bp.route("/<code>/drafts", methods=["POST"])
@roles_required(RoleName.MANAGER)
def create(code: str):
    """Queue a new version from the posted scope, comparison choice and narrative."""
    row = _survey_or_404(code)
    form = {k: request.form.get(k, "") for k in ("scope", "compare", "shortcomings",
                                                 "recommendations")}
    try:  # the cheap checks at once; the job makes the files
        report_target(form["scope"])
        drafts.check_narrative(form)
        drafts.check_can_create(row, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return _page(row, form, 400)
    job = enqueue("reports.draft", {"code": row.code, "form": form}, current_user, survey=row)
    if job.status == JobStatus.FAILED:  # run at once (tests, FIELDWORK_JOBS=sync) and refused
        flash(job.error or _("The report could not be made."), "danger")
        return _page(row, form, 409 if (job.result or {}).get("clash") else 400)
    if job.status == JobStatus.DONE:
        result = job.result or {}
        flash(_("Version %(n)d of “%(scope)s” was created.", n=result.get("number", 0),
                scope=result.get("scope", "")), "success")
        return redirect(url_for("reports.version", code=row.code, draft_id=result["draft_id"]))
    flash(_("The report is being generated; this page shows its progress."), "info")
    return redirect(url_for("jobs.job", job_id=job.id, follow="1"))


@bp.route("/<code>/issue", methods=["POST"])
@roles_required(RoleName.MANAGER)
def issue(code: str):
    """Issue the report: number, date and recipients of the newest synthesis version."""
    from .dispatch import issue_report
    row = _survey_or_404(code)
    data = {k: request.form.get(k, "") for k in ("number", "issued_on", "to_city",
                                                 "to_home_affairs", "others")}
    data["agency_ids"] = request.form.getlist("agency_ids")
    try:
        done = issue_report(row, data, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for("reports.survey", code=row.code) + "#issue")
    db.session.commit()
    flash(_("The report was issued as number %(n)s and its recipients recorded.",
            n=done.reference), "success")
    return redirect(url_for("reports.survey", code=row.code) + "#issued")


@bp.route("/<code>/drafts/<int:draft_id>")
@roles_required(*READERS)
def version(code: str, draft_id: int):
    """One version: its frozen figures, narrative, files, and the comments it received."""
    row = _survey_or_404(code)
    draft = db.session.get(ReportDraft, draft_id)
    if draft is None or draft.survey_id != row.id:
        abort(404)
    check(draft.can_read(current_user))
    newest = drafts.latest_draft(row, draft.scope_key)
    return render_template("reports/version.html", survey=row, draft=draft,
                           reviews=drafts.reviews_of(draft), newest=newest,
                           manager=current_user.has_role(RoleName.MANAGER),
                           frozen=drafts.is_frozen(row))

"""Issuing the report (seed 002 III.3.e): its number and date, whom it goes to (each surveyed
agency, the city People's Committee, Sở Nội vụ, others), and the issued files: the newest
synthesis version's frozen figures without "DỰ THẢO", the "Nơi nhận" list printed from the
very rows that record the dispatch."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..auth.roles import RoleName
from ..documents.decree import date_line, number_line, recipient_lines
from ..errors import OperationError
from ..extensions import db
from ..plans import attachments
from ..plans import validate as v
from ..plans.models_docs import DocKind
from ..plans.models_workflow import Step, StepState
from ..plans.steps import plan_of, state
from ..timeutil import local_today
from .drafts import latest_draft
from .models import DispatchKind, ReportDispatch, ReportIssue, ReportScope, scope_key

HOME_AFFAIRS = "Sở Nội vụ"


def city_body(survey) -> str:
    """The city People's Committee the report is submitted to (from the plan's place)."""
    return f"UBND thành phố {plan_of(survey).place or 'Đà Nẵng'}"


def vietnamese_order(name: str) -> str:
    """A sort key in Vietnamese alphabetical order (tone marks second, Đ after D)."""
    import unicodedata
    base = name.replace("Đ", "D~").replace("đ", "d~")
    return "".join(ch for ch in unicodedata.normalize("NFD", base)
                   if not unicodedata.combining(ch)).casefold()


def _uploaded(survey):
    """The uploaded final report issued when there is no synthesis version: the one marked as
    accepted at step 6, else the newest."""
    from ..plans.final_report import marked_report
    return marked_report(survey) or attachments.latest(survey, DocKind.FINAL_REPORT)


def issue_of(survey) -> ReportIssue | None:
    """The survey's issued report, or None."""
    return db.session.scalar(select(ReportIssue).where(ReportIssue.survey_id == survey.id))


def _recipients(survey, data: dict, issued_on) -> list[ReportDispatch]:
    """Dispatch rows from the form: the city and Home Affairs (to report to), the chosen
    agencies in scope (by name), then other recipients typed one a line."""
    rows = []
    in_scope = {s.agency_id: s.agency for s in survey.scope}
    if v.flag(data, "to_city"):
        rows.append(ReportDispatch(kind=DispatchKind.CITY,
                                   recipient=f"{city_body(survey)} (để báo cáo)"))
    to_home_affairs = v.flag(data, "to_home_affairs")
    if to_home_affairs:
        # Sở Nội vụ may be surveyed too: one line, to report, stands for both.
        surveyed = next((a.id for a in in_scope.values() if a.name == HOME_AFFAIRS), None)
        rows.append(ReportDispatch(kind=DispatchKind.HOME_AFFAIRS, agency_id=surveyed,
                                   recipient=f"{HOME_AFFAIRS} (để báo cáo)"))
    chosen = data.get("agency_ids") or []
    if isinstance(chosen, str):
        chosen = [chosen]
    ids = set()
    for raw in chosen:
        if not str(raw).isdigit() or int(raw) not in in_scope:
            raise OperationError(_("Send the report only to agencies in the survey's scope."))
        ids.add(int(raw))
    for agency in sorted((in_scope[i] for i in ids), key=lambda a: vietnamese_order(a.name)):
        if to_home_affairs and agency.name == HOME_AFFAIRS:
            continue
        rows.append(ReportDispatch(kind=DispatchKind.AGENCY, agency_id=agency.id,
                                   recipient=agency.name))
    others = v.text(data, "others", _("Other recipients"), max_len=2000)
    for line in others.splitlines():
        name = line.strip().lstrip("-").strip().rstrip(";.").strip()
        if name:
            if len(name) > 300:
                raise OperationError(_("A recipient's name is too long (at most 300 "
                                       "characters)."))
            rows.append(ReportDispatch(kind=DispatchKind.OTHER, recipient=name))
    if not rows:
        raise OperationError(_("Choose whom the report is sent to."))
    for i, row in enumerate(rows, 1):
        row.position, row.sent_on = i, issued_on
    return rows


def issued_document(survey, issue: ReportIssue):
    """The issued report as a Document: the version's frozen figures and texts, the number,
    the date, and the dispatch rows as "Nơi nhận"."""
    from ..stats.statistics import populations
    from .content import build_content, paragraphs
    from .document import report_document
    from .operations import _header
    draft = issue.draft
    header = _header(survey, populations(survey)[0])
    plan = plan_of(survey)
    header.number_line = number_line(issue.number, issue.symbol, "BC-...")
    header.date_line = date_line(plan.place or "Đà Nẵng", issue.issued_on, survey.year)
    header.recipients = recipient_lines([d.recipient for d in issue.dispatches])
    header.field_reasons = paragraphs(draft.situation)
    content = build_content(
        draft.statistics, header, narrative={"shortcomings": draft.shortcomings,
                                             "recommendations": draft.recommendations},
        earlier=[(e["year"], e["statistics"]) for e in (draft.earlier or [])])
    return report_document(content, None)


def issue_report(survey, data: dict, user) -> ReportIssue:
    """Issue the newest synthesis version: number, date, recipients; files without "DỰ THẢO"
    stored as the final report; audited. Without a synthesis version, the uploaded final
    report is what is recorded as issued.

    Refused unless the user is a manager, Home Affairs has appraised the report (step 6), a
    synthesis version or an uploaded final report exists, the plan names the signer, the
    number is a whole number, the date is a real day not in the future, at least one
    recipient is chosen, and the report was not issued already.
    """
    from ..plans.operations import require
    require(user, RoleName.MANAGER)
    if state(survey, Step.ACCEPTANCE) != StepState.APPRAISED:
        raise OperationError(_("The report is issued once Home Affairs has appraised it "
                               "(step 6)."))
    earlier = issue_of(survey)
    if earlier is not None:
        raise OperationError(_("The report was already issued as number %(n)s on %(d)s.",
                               n=earlier.reference, d=earlier.issued_on.strftime("%d/%m/%Y")))
    draft = latest_draft(survey, scope_key(ReportScope.SYNTHESIS))
    uploaded = _uploaded(survey)
    if draft is None and uploaded is None:
        raise OperationError(_("Make a synthesis report version (or upload the final report) "
                               "first: that is what is issued."))
    plan = plan_of(survey)
    if not plan.signer_title.strip() or not plan.signer_name.strip():
        raise OperationError(_("The document header names no signer: enter the signer's "
                               "title and name (section “Document header and signature”) "
                               "before issuing."))
    number = v.text(data, "number", _("Number"), required=True, max_len=10)
    if not number.isdigit() or int(number) < 1:
        raise OperationError(_("The number is the registered whole number, e.g. 25."))
    issued_on = v.day(data, "issued_on", _("Date of issue"))
    if issued_on > local_today():
        raise OperationError(_("The date of issue cannot be in the future."))
    symbol = (plan.doc_symbol or "").replace("KH-", "BC-") or "BC-..."
    issue = ReportIssue(survey_id=survey.id, draft_id=draft.id if draft else None, draft=draft,
                        number=number, symbol=symbol, issued_on=issued_on,
                        created_by_id=user.id)
    issue.dispatches = _recipients(survey, data, issued_on)
    if draft is None:
        # A final report made outside the system: its number, date and recipients are
        # recorded; its own "Nơi nhận" is the contractor's to match.
        issue.pdf_id = uploaded.id
    else:
        _store_files(survey, issue, user)
    db.session.add(issue)
    db.session.flush()
    audit.record(user, "report.issue", issue, after={
        "survey": survey.code, "number": issue.reference, "issued_on": issued_on,
        "version": draft.number if draft else None,
        "snapshot": draft.snapshot if draft else None,
        "sent_to": [d.recipient for d in issue.dispatches],
        "pdf_sha256": issue.pdf.sha256 if issue.pdf else None})
    return issue


def _store_files(survey, issue: ReportIssue, user) -> None:
    """Render the issued DOCX and PDF and store them as the final report."""
    from ..documents.fonts import FontMissingError
    from ..documents.pdf import render_pdf
    from ..documents.word import render_docx
    doc = issued_document(survey, issue)
    try:
        files = {"docx": render_docx(doc), "pdf": render_pdf(doc)}
    except FontMissingError as exc:
        raise OperationError(str(exc)) from None
    title = f"Báo cáo số {issue.reference} (ban hành)"
    stem = f"{survey.code}-bao-cao-{issue.number}"
    stored = {}
    for fmt in ("docx", "pdf"):  # PDF last: the newest final report is what is published
        stored[fmt] = attachments.upload(survey, {
            "kind": DocKind.FINAL_REPORT.value, "title": f"{title} ({fmt.upper()})",
            "filename": f"{stem}.{fmt}", "stream": io.BytesIO(files[fmt])}, user)
    issue.docx_id, issue.pdf_id = stored["docx"].id, stored["pdf"].id
    issue.docx, issue.pdf = stored["docx"], stored["pdf"]


def issue_form(survey) -> dict | None:
    """What the issue form offers (None when the report cannot be issued now): the agencies
    in scope, the city body, the default date."""
    if state(survey, Step.ACCEPTANCE) != StepState.APPRAISED or issue_of(survey) is not None:
        return None
    agencies = sorted({s.agency_id: s.agency for s in survey.scope}.values(),
                      key=lambda a: vietnamese_order(a.name))
    return {"agencies": agencies, "city": city_body(survey), "today": local_today(),
            "version": latest_draft(survey, scope_key(ReportScope.SYNTHESIS)),
            "uploaded": _uploaded(survey)}

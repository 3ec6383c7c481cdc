"""Gather a survey's statistics and header for a report, render it, and audit the generation."""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _

from ..errors import OperationError
from .content import Header, ReportContent, build_content

FORMATS = ("docx", "pdf")
# Who a draft goes to: Home Affairs appraises it, the surveyed agencies comment on it.
DRAFT_RECIPIENTS = ["- Sở Nội vụ (để thẩm định);",
                    "- Các cơ quan, đơn vị được khảo sát (để góp ý);", "- Lưu: VT."]


def report_target(key: str):
    """(agency, field) of a posted scope value; OperationError when it is not one."""
    kind, _sep, ident = (key or "").partition(":")
    if kind == "synthesis" and not ident:
        return None, None
    if kind in ("agency", "field") and ident.isdigit():
        from ..directory.models import Agency, Field
        from ..extensions import db

        row = db.session.get(Agency if kind == "agency" else Field, int(ident))
        if row is None:
            raise OperationError(_("Unknown agency.") if kind == "agency"
                                 else _("Unknown field."))
        return (row, None) if kind == "agency" else (None, row)
    raise OperationError(_("Choose what the report covers."))


def find_agency(code_or_id: str):
    """The agency with this id or (case-insensitive) name, or None."""
    from sqlalchemy import func, select

    from ..directory.models import Agency
    from ..extensions import db
    if code_or_id.isdigit():
        found = db.session.get(Agency, int(code_or_id))
        if found is not None:
            return found
    return db.session.scalar(select(Agency).where(
        func.lower(Agency.name) == code_or_id.strip().lower()))


def find_field(code: str):
    """The field with this code (case-insensitive), or None."""
    from sqlalchemy import func, select

    from ..directory.models import Field
    from ..extensions import db
    return db.session.scalar(select(Field).where(func.lower(Field.code) == code.strip().lower()))


def _plan_facts(plan, survey) -> dict:
    """What the report takes from the plan: reasons for the fields, method, sample rule in
    Vietnamese words, and each scope row's field, agency, N and required n."""
    from ..plans.progress import requirements
    from ..plans.sampling_text import method_sentences

    def paras(text):
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    if plan is None:
        return {}
    reqs = requirements(survey)
    return {
        "field_reasons": paras(plan.field_reasons), "plan_methods": paras(plan.methods),
        "method_rules": method_sentences(plan.sample_policy, str(plan.rounding),
                                         any(r.scope.state_bodies_only for r in reqs)),
        "scope_rows": [(r.scope.field.name if r.scope.field else "", r.scope.agency.name,
                        r.scope.dossiers, r.required) for r in reqs]}


def _header(survey, population: int | None) -> Header:
    from sqlalchemy import select

    from ..documents.decree import date_line
    from ..extensions import db
    from ..plans.models_workflow import Plan

    labels, qn_title, questions = _questionnaire(survey)
    # Read the plan without creating one: generating a report changes nothing.
    plan = db.session.scalar(select(Plan).where(Plan.survey_id == survey.id))
    get = (lambda name: (getattr(plan, name, "") or "")) if plan else (lambda name: "")
    symbol = get("doc_symbol").replace("KH-", "BC-") or "BC-..."
    issuer = get("issuing_body") or survey.contractor or ""
    plan_ref = ""
    if get("doc_number") and get("doc_symbol"):
        plan_ref = f"Kế hoạch số {get('doc_number')}/{get('doc_symbol')}"
        if plan.signed_on:
            plan_ref += f" ngày {plan.signed_on.day}/{plan.signed_on.month}/{plan.signed_on.year}"
    return Header(
        survey_title=survey.title, year=survey.year, parent_body=get("parent_body").upper(),
        issuing_body=issuer.upper(), issuer_name=issuer, plan_ref=plan_ref,
        contractor=survey.contractor or issuer,
        number_line=f"Số:        /{symbol}",
        date_line=date_line(get("place") or "Đà Nẵng", None, survey.year),
        population=population, authority=get("signer_authority"),
        signer_title=get("signer_title").upper(), signer_name=get("signer_name"),
        recipients=DRAFT_RECIPIENTS, reason_labels=labels, questionnaire_title=qn_title,
        questionnaire=questions, **_plan_facts(plan, survey))


def document_problems(survey) -> list[str]:
    """What to fix in the header and signature the survey's reports take from the plan
    (long names set on two lines, no signer, a malformed authority line), in the user's
    language; the files are made all the same."""
    from ..documents.checks import problems
    from .content import KIND
    from .document import report_document
    h = _header(survey, None)
    return problems(report_document(ReportContent(h, KIND, h.survey_title, [], "")))


def _questionnaire(survey) -> tuple[dict, str, list]:
    """Reason code -> wording, and the newest questionnaire's title and questions (annex).

    The built-in reason wording is the fallback when the survey has no questionnaire.
    """
    from sqlalchemy import select

    from ..extensions import db
    from ..forms.builtin import _REASONS
    from ..forms.models import QuestionnaireVersion
    labels = {code: text for code, text, _ in _REASONS}
    version = db.session.scalar(select(QuestionnaireVersion).where(
        QuestionnaireVersion.survey_id == survey.id).order_by(
        QuestionnaireVersion.number.desc()).limit(1))
    if version is None:
        return labels, "", []
    qn = version.questionnaire
    questions = []
    for q in qn.questions():
        if q.code == "q02":
            labels.update({o.code: o.label for o in q.options})
        questions.append((q.code, q.text, [o.label for o in q.options]))
    return labels, qn.title, questions


def reason_labels(survey) -> dict:
    """Reason code -> wording of the survey's newest questionnaire (built-in as fallback)."""
    return _questionnaire(survey)[0]


def report_statistics(survey, agency=None, field=None) -> tuple[dict, int | None]:
    """The statistics dict of the report and its population N.

    The headline is the independent survey (other sources beside it under ``sources``); an
    agency or field report is the same ``survey_statistics`` with the filter narrowed to that
    agency or field: one function, one filter, whatever the scope.
    """
    from ..stats.filters import Filter
    from ..stats.statistics import populations, survey_statistics
    from .fieldwork import fieldwork_summary

    flt = Filter(agency=agency.name if agency is not None else None,
                 field=field.name if field is not None else None)
    total = populations(survey, flt)[0]
    out = survey_statistics(survey, flt)  # a copy: the statistics are cached
    if field is None:  # the procedure's fieldwork figures: the survey's, or the agency's
        out["fieldwork"] = fieldwork_summary(survey, agency) if agency is not None \
            else fieldwork_summary(survey)
    return out, total


def previous_survey(survey):
    """The most recent earlier survey on record (see ``earlier_surveys``), or None."""
    found = earlier_surveys(survey)
    return found[-1] if found else None


def earlier_surveys(survey) -> list:
    """Every earlier year's survey of the same agencies, oldest first, one a year: a survey
    of an earlier year sharing at least one agency in scope; in a year with several, the one
    whose code follows this one's (DEMO-2025 for DEMO-2026), else the widest overlap."""
    from sqlalchemy import select

    from ..extensions import db
    from ..plans.models import Survey
    mine = {s.agency_id for s in survey.scope}
    best: dict[int, tuple] = {}
    for other in db.session.scalars(select(Survey).where(Survey.year < survey.year)):
        overlap = len(mine & {s.agency_id for s in other.scope})
        if not overlap:
            continue
        same_series = str(survey.year) in survey.code and other.code == survey.code.replace(
            str(survey.year), str(other.year))
        rank = (same_series, overlap, other.code)
        if other.year not in best or rank > best[other.year][0]:
            best[other.year] = (rank, other)
    return [best[y][1] for y in sorted(best)]


def report_content(survey, agency=None, field=None, previous=None,
                   narrative: dict | None = None, earlier: list | None = None) -> ReportContent:
    """The report outline of the survey (synthesis, or one agency or field), compared with
    the ``earlier`` surveys (or just ``previous``) filtered the same way; ``narrative`` holds
    the contractor's "shortcomings" and "recommendations" text."""
    stats, population = report_statistics(survey, agency, field)
    if earlier is None:
        earlier = [previous] if previous is not None else []
    before = [(s.year, report_statistics(s, agency, field)[0]) for s in earlier]
    scope = (("agency", agency.name) if agency is not None else
             ("field", field.name) if field is not None else None)
    return build_content(stats, _header(survey, population), scope, narrative=narrative,
                         earlier=before)


def generate_report(survey, fmt: str, out: Path, actor, agency=None, field=None,
                    previous=None, narrative: dict | None = None,
                    earlier: list | None = None) -> Path:
    """Write the report file (a draft, marked "DỰ THẢO") and add the audit entry; the caller
    commits."""
    from ..audit.operations import record
    if fmt not in FORMATS:
        raise OperationError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
    content = report_content(survey, agency, field, previous, narrative, earlier)
    if fmt == "docx":
        from .docx_report import build_report_docx
        data = build_report_docx(content)
    else:
        from .pdf_report import build_report_pdf
        data = build_report_pdf(content)
    out = Path(out)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise OperationError(f"cannot write '{out}': {exc.strerror or exc}") from None
    scope = ({"agency": agency.name} if agency is not None else
             {"field": field.code} if field is not None else {})
    compared = earlier if earlier is not None else [previous] if previous is not None else []
    if compared:
        scope["previous"] = compared[-1].code
        scope["earlier"] = [s.code for s in compared]
    record(actor, "report.generate", survey,
           after={"format": fmt, "file": out.name, "snapshot": content.snapshot, **scope})
    return out

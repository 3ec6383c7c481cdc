"""Report draft versions: create (frozen statistics, narrative, DOCX and PDF), list, publish.

A version is never changed: new text or newer data makes version n+1 of the same scope.
Once step 6 publishes the survey, the newest synthesis version is marked published and no
draft of the survey can be created any more.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from .. import audit
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..plans import attachments
from ..plans.models import Survey, SurveyStatus
from ..plans.models_docs import Attachment, DocKind
from ..plans.models_review import AgencyComment, CommentRound, Publication, RoundDraft
from ..timeutil import utcnow
from .models import ReportDraft, ReportScope, scope_key

NARRATIVE_PARTS = ("shortcomings", "recommendations")
NARRATIVE_MAX = 20000
_NAME_MAX = 150  # attachment titles are cut at 200 characters; keep "(DOCX)"/"(PDF)" in them


def clean_text(value) -> str:
    """Text as typed, NFC, without control characters other than line breaks and tabs."""
    text = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C"
                   ).strip()


def _narrative(narrative: dict | None) -> dict:
    """The two narrative texts, cleaned and length-checked."""
    labels = {"shortcomings": _("Shortcomings"), "recommendations": _("Recommendations")}
    out = {}
    for key in NARRATIVE_PARTS:
        text = clean_text((narrative or {}).get(key))
        if len(text) > NARRATIVE_MAX:
            raise OperationError(_("%(field)s is too long (at most %(n)d characters).",
                                   field=labels[key], n=NARRATIVE_MAX))
        out[key] = text
    return out


def is_frozen(survey: Survey) -> bool:
    """True once the survey is closed or published: its drafts can no longer change."""
    if survey.status == SurveyStatus.CLOSED:
        return True
    return db.session.scalar(select(Publication.id).where(
        Publication.survey_id == survey.id)) is not None


def check_narrative(narrative: dict | None) -> dict:
    """The narrative texts cleaned; OperationError when one is too long."""
    return _narrative(narrative)


def check_can_create(survey: Survey, actor) -> None:
    """OperationError unless ``actor`` may make a new version of ``survey``'s drafts now."""
    if not (hasattr(actor, "has_role") and actor.has_role(RoleName.MANAGER)):
        raise OperationError(_("Only the contractor manager creates report drafts."))
    _refuse_if_frozen(survey)


def _refuse_if_frozen(survey: Survey) -> None:
    if is_frozen(survey):
        raise OperationError(_("Survey %(code)s is published or closed; its report drafts can "
                               "no longer be created or changed.", code=survey.code))


def _jsonable(stats: dict) -> dict:
    """The statistics exactly as a JSON column gives them back (tuples become lists; NaN and
    infinities, which PostgreSQL's JSON refuses, become None as "no value")."""
    def finite(value):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {k: finite(v) for k, v in value.items()}
        if isinstance(value, list):
            return [finite(v) for v in value]
        return value
    return finite(json.loads(json.dumps(stats, default=float)))


def file_stem(name: str) -> str:
    """A name as a file name agencies recognise: "Sở Tư pháp" gives "so-tu-phap"."""
    from ..directory.matching import fold
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:60] or "co-quan"


def _titles(survey: Survey, scope: ReportScope, agency, field, number: int):
    """Attachment kind, agency id, title stem and file-name stem of a scope."""
    if scope == ReportScope.AGENCY:
        return (DocKind.AGENCY_DRAFT, agency.id,
                f"Dự thảo kết quả khảo sát: {agency.name[:_NAME_MAX]}",
                f"{survey.code}-{file_stem(agency.name)}-v{number}")
    if scope == ReportScope.FIELD:
        return (DocKind.REPORT_DRAFT, None,
                f"Dự thảo báo cáo lĩnh vực {field.name[:_NAME_MAX]}",
                f"{survey.code}-linh-vuc-{field.code}-v{number}")
    return (DocKind.REPORT_DRAFT, None, "Dự thảo báo cáo tổng hợp",
            f"{survey.code}-bao-cao-tong-hop-v{number}")


def _attach(survey, actor, kind: DocKind, agency_id, title: str, filename: str,
            data: bytes) -> Attachment:
    """Store one generated file as a plans attachment (audited by the upload); a file
    byte-identical to the latest version of the same document is reused, not stored twice."""
    doc_key = f"{kind.value}:{agency_id or '-'}:{title.casefold()}"[:300]
    same = db.session.scalars(select(Attachment).where(
        Attachment.survey_id == survey.id, Attachment.doc_key == doc_key
    ).order_by(Attachment.version.desc()).limit(1)).first()
    if same is not None and same.sha256 == hashlib.sha256(data).hexdigest():
        return same
    return attachments.upload(survey, {"kind": kind.value, "agency_id": agency_id,
                                       "title": title, "filename": filename,
                                       "stream": io.BytesIO(data)}, actor)


def _build(survey, agency, field, earlier: list, narrative: dict, number: int):
    """Statistics (frozen), every earlier year's statistics [{code, year, statistics}], the
    plan's situation text printed, and the DOCX and PDF bytes of version ``number`` ("DỰ THẢO
    LẦN <number>", today's date)."""
    from ..documents.fonts import FontMissingError
    from ..documents.model import DraftMark
    from ..timeutil import local_today
    from .content import build_content
    from .docx_report import build_report_docx
    from .operations import _header, report_statistics
    from .pdf_report import build_report_pdf

    stats, population = report_statistics(survey, agency, field)
    stats = _jsonable(stats)
    if not stats.get("overall", {}).get("n"):
        raise OperationError(_("There are no approved answers for this report yet; approve "
                               "sheets (or import results) first."))
    before = [{"code": s.code, "year": s.year,
               "statistics": _jsonable(report_statistics(s, agency, field)[0])}
              for s in earlier]
    scope = (("agency", agency.name) if agency is not None else
             ("field", field.name) if field is not None else None)
    # The files are built from the very dicts that are stored, so every figure is
    # reproducible.
    header = _header(survey, population)
    content = build_content(stats, header, scope, narrative=narrative,
                            earlier=[(b["year"], b["statistics"]) for b in before])
    mark = DraftMark(local_today(), number)
    situation = "\n\n".join(header.field_reasons)
    try:
        return (stats, before, situation, build_report_docx(content, mark),
                build_report_pdf(content, mark))
    except FontMissingError as exc:
        raise OperationError(str(exc)) from None


def create_draft(survey: Survey, actor, agency=None, field=None, previous=None,
                 narrative: dict | None = None, earlier: list | None = None) -> ReportDraft:
    """Generate version n+1 of the synthesis, an agency's or a field's report draft; audited.

    ``earlier`` are the earlier surveys to compare with, oldest first (``previous`` alone is
    the same as ``[previous]``). Refused when the actor is not a manager, the survey is
    published or closed, the agency is not in the survey's scope, both an agency and a field
    are given, a survey compared with is the survey itself, a narrative text is too long,
    there are no approved answers, or nothing differs from the newest version (statistics,
    comparison and texts).
    """
    check_can_create(survey, actor)
    if agency is not None and field is not None:
        raise OperationError(_("A draft covers the whole survey, one agency or one field."))
    if agency is not None and not any(s.agency_id == agency.id for s in survey.scope):
        raise OperationError(_("%(name)s is not in the scope of survey %(code)s.",
                               name=agency.name, code=survey.code))
    if earlier is None:
        earlier = [previous] if previous is not None else []
    if any(s.id == survey.id for s in earlier):
        raise OperationError(_("Compare with an earlier survey, not the survey itself."))
    previous = earlier[-1] if earlier else None
    text = _narrative(narrative)
    scope = (ReportScope.AGENCY if agency is not None else
             ReportScope.FIELD if field is not None else ReportScope.SYNTHESIS)
    key = scope_key(scope, agency.id if agency else None, field.id if field else None)
    number = (db.session.scalar(select(func.max(ReportDraft.number)).where(
        ReportDraft.survey_id == survey.id, ReportDraft.scope_key == key)) or 0) + 1
    stats, before, situation, docx, pdf = _build(survey, agency, field, earlier, text, number)
    newest = latest_draft(survey, key)
    if newest is not None and (newest.statistics, newest.earlier or [], newest.situation,
                               newest.shortcomings, newest.recommendations) == (
            stats, before, situation, text["shortcomings"], text["recommendations"]):
        # Same data, same comparison, same texts: a double click, not a new version.
        raise OperationError(_("Nothing changed since version %(n)d (same data and texts); "
                               "no new version was made.", n=newest.number))
    kind, agency_id, title, stem = _titles(survey, scope, agency, field, number)
    # DOCX first, PDF last: the newest agency draft attachment is the PDF rounds send.
    docx_att = _attach(survey, actor, kind, agency_id, f"{title} (DOCX)", f"{stem}.docx", docx)
    pdf_att = _attach(survey, actor, kind, agency_id, f"{title} (PDF)", f"{stem}.pdf", pdf)
    draft = ReportDraft(
        survey_id=survey.id, scope=scope, scope_key=key, number=number,
        agency_id=agency.id if agency else None, field_id=field.id if field else None,
        snapshot=stats.get("snapshot", ""), statistics=stats,
        previous_survey_id=previous.id if previous else None,
        previous_statistics=before[-1]["statistics"] if before else None, earlier=before,
        situation=situation, shortcomings=text["shortcomings"],
        recommendations=text["recommendations"],
        docx_id=docx_att.id, pdf_id=pdf_att.id, created_by_id=actor.id)
    db.session.add(draft)
    db.session.flush()
    audit.record(actor, "report_draft.create", draft, after={
        "survey": survey.code, "scope": key, "version": number, "snapshot": draft.snapshot,
        "previous": previous.code if previous else None,
        "earlier": [b["code"] for b in before], "docx_sha256": docx_att.sha256,
        "pdf_sha256": pdf_att.sha256,
        "narrative_chars": {k: len(v) for k, v in text.items()}})
    return draft


def drafts_of(survey: Survey) -> list[ReportDraft]:
    """Every version of the survey's drafts: synthesis, agencies, fields; newest first."""
    order = {ReportScope.SYNTHESIS: 0, ReportScope.AGENCY: 1, ReportScope.FIELD: 2}
    rows = db.session.scalars(select(ReportDraft).where(ReportDraft.survey_id == survey.id))
    return sorted(rows, key=lambda d: (order[d.scope], d.scope_label, -d.number))


def latest_draft(survey: Survey, key: str) -> ReportDraft | None:
    """The newest version of one scope ("synthesis", "agency:7", "field:3"), or None."""
    return db.session.scalars(select(ReportDraft).where(
        ReportDraft.survey_id == survey.id, ReportDraft.scope_key == key
    ).order_by(ReportDraft.number.desc()).limit(1)).first()


def published_draft(survey: Survey) -> ReportDraft | None:
    """The synthesis version marked published by step 6, or None."""
    return db.session.scalars(select(ReportDraft).where(
        ReportDraft.survey_id == survey.id, ReportDraft.published_at.is_not(None)
    ).order_by(ReportDraft.number.desc()).limit(1)).first()


def mark_published(survey: Survey, actor) -> ReportDraft | None:
    """Step 6 publishes: mark the newest synthesis version published (audited); None if the
    survey has no generated synthesis draft."""
    draft = latest_draft(survey, scope_key(ReportScope.SYNTHESIS))
    if draft is None or draft.published_at is not None:
        return draft
    draft.published_at = utcnow()
    db.session.flush()
    audit.record(actor, "report_draft.publish", draft, before={"published_at": None},
                 after={"survey": survey.code, "version": draft.number,
                        "snapshot": draft.snapshot, "published_at": draft.published_at})
    return draft


def draft_of_attachment(attachment_id: int | None) -> ReportDraft | None:
    """The draft version whose DOCX or PDF is this attachment, or None."""
    if attachment_id is None:
        return None
    return db.session.scalars(select(ReportDraft).where(or_(
        ReportDraft.pdf_id == attachment_id, ReportDraft.docx_id == attachment_id)
    ).order_by(ReportDraft.id.desc()).limit(1)).first()


def round_attachment(survey: Survey, agency_id: int) -> Attachment | None:
    """What a comment round sends an agency: its newest agency draft attachment, and when
    that is a generated version's DOCX, the same version's PDF."""
    att = attachments.latest(survey, DocKind.AGENCY_DRAFT, agency_id)
    draft = draft_of_attachment(att.id) if att is not None else None
    return draft.pdf if draft is not None else att


def reviews_of(draft: ReportDraft) -> list[dict]:
    """The rounds that sent this version, each with the agency comments filed on it."""
    sent = db.session.scalars(select(RoundDraft).join(CommentRound).where(
        RoundDraft.attachment_id.in_([draft.pdf_id, draft.docx_id])
    ).order_by(CommentRound.number)).all()
    out = []
    for rd in sent:
        comments = db.session.scalars(select(AgencyComment).where(
            AgencyComment.round_id == rd.round_id, AgencyComment.agency_id == rd.agency_id
        ).order_by(AgencyComment.id)).all()
        out.append({"round": rd.round, "agency": rd.agency, "comments": comments})
    return out

"""Scanning station pages: upload, batch progress, rejects, pages, and the verification queue."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from ..auth.decorators import check, roles_required
from ..errors import OperationError
from ..extensions import csrf, db
from ..navigation import NavItem, register_nav
from ..plans.models import Survey
from ..privacy.access import mark_contact_shown
from . import jobs
from . import operations as ops
from .contact import may_see
from .load import check_size, jpeg_size, png_size, sniff
from .models import (
    UPLOADERS,
    VERIFIERS,
    BatchStatus,
    PageStatus,
    ScanBatch,
    ScanPage,
    TextRegion,
)
from .reasons import answer_status_label, note_label, reason_label
from .serving import ImageCut, contact_image, known_layout
from .webforms import ReplaceForm, UploadForm

bp = Blueprint("omr", __name__, url_prefix="/scans")
register_nav(NavItem(_l("Scanning"), "omr.index", UPLOADERS))
register_nav(NavItem(_l("Verification"), "omr.verify", VERIFIERS))
register_nav(NavItem(_l("Handwritten answers"), "omr.texts", VERIFIERS))

MAX_UPLOAD = 1024 ** 3  # one request (many files)
MAX_FILE = 300 * 1024 ** 2  # one file


@bp.app_template_global()
def omr_reason(code: str | None) -> str:
    """A rejection reason in the user's language."""
    return reason_label(code)


@bp.app_template_global()
def omr_answer_status(code: str | None) -> str:
    """An answer's reading status in the user's language."""
    return answer_status_label(code)


@bp.app_template_global()
def omr_note(note: str | None) -> str:
    """Why the reader doubted an answer (or how it read it), in the user's language."""
    return note_label(note)


def _surveys() -> list[Survey]:
    return list(db.session.scalars(select(Survey).order_by(Survey.year.desc(), Survey.code)))


def _check_upload(name: str, head: bytes, size: int) -> str | None:
    """Why an uploaded file is refused (type by content, size, pixel bomb), or None."""
    kind = sniff(head)
    if kind is None:
        return _("%(name)s: not a PDF, TIFF, PNG or JPEG file.", name=name)
    if size > current_app.config.get("OMR_MAX_FILE_BYTES", MAX_FILE):
        return _("%(name)s: the file is too large.", name=name)
    dims = png_size(head) if kind == "png" else jpeg_size(head) if kind == "jpeg" else None
    if dims:
        refused = check_size(*dims)
        if refused and refused[0] == "too_large":
            return _("%(name)s: the image is too large (%(w)d×%(h)d pixels).", name=name,
                     w=dims[0], h=dims[1])
    return None


@bp.route("/", methods=["GET", "POST"])
@csrf.exempt  # checked by the form itself, after the upload size limit is set
@roles_required(*UPLOADERS)
def index():
    """Recent batches and the upload form."""
    request.max_content_length = current_app.config.get("OMR_MAX_UPLOAD_BYTES", MAX_UPLOAD)
    try:
        form = UploadForm()
        surveys = _surveys()
        form.survey.choices = [(s.id, f"{s.code} · {s.title}") for s in surveys]
        names = {row.agency_id: row.agency.name for s in surveys for row in s.scope}
        form.agency.choices = [(0, _("Any agency (each sheet says its own)"))] + sorted(
            names.items(), key=lambda kv: kv[1])
        if form.validate_on_submit():
            return _upload(form)
    except RequestEntityTooLarge:
        flash(_("The upload is too large; send the files in several batches."), "danger")
        return redirect(url_for(".index"))
    batches = db.session.scalars(select(ScanBatch).order_by(ScanBatch.id.desc()).limit(30)).all()
    from .inbox.models import ScanInbox

    watched = db.session.scalars(select(ScanInbox).where(ScanInbox.active.is_(True))
                                 .order_by(ScanInbox.id)).all()
    return render_template("omr/index.html", form=form, batches=batches, inboxes=watched,
                           counts={b.id: ops.batch_counts(b) for b in batches})


def _upload(form: UploadForm):
    files = [f for f in request.files.getlist(form.files.name) if f and f.filename]
    if not files:
        flash(_("Choose at least one scanned file."), "danger")
        return redirect(url_for(".index"))
    accepted, refused = [], []
    for f in files:
        data = f.read()
        f.close()
        why = _check_upload(f.filename, data[:65536], len(data))
        if why:
            refused.append(why)
        else:
            accepted.append((f.filename, data))
    for why in refused:
        flash(why, "danger")
    if not accepted:
        return redirect(url_for(".index"))
    survey = db.session.get(Survey, form.survey.data)
    if survey is None:
        abort(400)
    from ..directory.models import Agency

    agency = db.session.get(Agency, form.agency.data) if form.agency.data else None
    try:
        batch = ops.create_batch({"survey": survey, "agency": agency, "pilot": form.pilot.data,
                                  "note": form.note.data}, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for(".index"))
    for name, data in accepted:
        ops.add_file(batch, name, data)
    db.session.commit()
    jobs.submit(batch, current_user)
    flash(_("%(n)d file(s) uploaded; reading has started.", n=len(accepted)), "success")
    return redirect(url_for(".batch", batch_id=batch.id))


def _load_batch(batch_id: int) -> ScanBatch:
    batch = db.get_or_404(ScanBatch, batch_id)
    check(batch.can_view(current_user))
    return batch


@bp.route("/<int:batch_id>")
@roles_required(*UPLOADERS)
def batch(batch_id: int):
    """One batch: progress, rejects, duplicates, pages read."""
    b = _load_batch(batch_id)
    pages = db.session.scalars(select(ScanPage).where(ScanPage.batch_id == b.id).order_by(
        ScanPage.file_id, ScanPage.index)).all()
    from .sheets import batch_sheets, missing_pages

    sheets = batch_sheets(b.id)
    missing = {s.id: missing_pages(s) for s in sheets if s.status.value == "incomplete"}
    return render_template("omr/batch.html", batch=b, pages=pages, counts=ops.batch_counts(b),
                           stalled=jobs.stalled(b), PageStatus=PageStatus, sheets=sheets,
                           missing=missing)


@bp.route("/<int:batch_id>/progress")
@roles_required(*UPLOADERS)
def progress(batch_id: int):
    """Live progress of a batch as JSON."""
    b = _load_batch(batch_id)
    return jsonify(status=b.status.value, label=b.status_label, **ops.batch_counts(b))


@bp.route("/<int:batch_id>/resume", methods=["POST"])
@roles_required(*UPLOADERS)
def resume(batch_id: int):
    """Restart reading a batch whose worker stopped, or read again one whose reading failed
    (pages already read are kept; its inbox file waits for the outcome again)."""
    b = _load_batch(batch_id)
    if b.status == BatchStatus.FAILED:
        from .inbox.operations import read_again

        read_again(b, current_user)
        db.session.commit()
        jobs.submit(b, current_user)
        flash(_("The batch is being read again."), "success")
    elif jobs.stalled(b):
        jobs.submit(b, current_user)
        flash(_("Reading resumed."), "success")
    return redirect(url_for(".batch", batch_id=b.id))


def _load_page(page_id: int) -> ScanPage:
    page = db.get_or_404(ScanPage, page_id)
    check(current_user.has_role(*UPLOADERS, *VERIFIERS))
    return page


@bp.route("/pages/<int:page_id>")
@roles_required(*UPLOADERS, *VERIFIERS)
def page(page_id: int):
    """One scanned page: its image, what was read, and the replace action for a duplicate."""
    p = _load_page(page_id)
    texts = db.session.scalars(select(TextRegion).where(TextRegion.page_id == p.id)).all()
    entitled = may_see(current_user, p.survey_id)
    shown = {a.id: a.plain_values if entitled else a.values for a in p.answers}
    if entitled and any(a.secret for a in p.answers):
        mark_contact_shown()
    return render_template("omr/page.html", page=p, texts=texts, form=ReplaceForm(),
                           PageStatus=PageStatus, shown=shown,
                           blurred=not known_layout(p)
                           and not may_see(current_user, p.survey_id or p.batch.survey_id))


@bp.route("/pages/<int:page_id>/image.jpg")
@roles_required(*UPLOADERS, *VERIFIERS)
@contact_image
def page_image(page_id: int):
    """The stored page image (aligned page, or a preview of a rejected one), as the user may
    see it: contact grids painted over, or a blurred preview of a page without layout."""
    return ImageCut(_load_page(page_id))


@bp.route("/pages/<int:page_id>/crop/<question>.png")
@roles_required(*UPLOADERS, *VERIFIERS)
@contact_image
def crop(page_id: int, question: str):
    """A question's crop, boxes read as marked outlined (contact questions: entitled only)."""
    return ImageCut(_load_page(page_id), question=question)


@bp.route("/text/<int:region_id>.png")
@roles_required(*UPLOADERS, *VERIFIERS)
@contact_image
def text_image(region_id: int):
    """A free-text region cut out for keying."""
    region = db.get_or_404(TextRegion, region_id)
    return ImageCut(region.page, region=region)


@bp.route("/pages/<int:page_id>/replace", methods=["POST"])
@roles_required(*UPLOADERS)
def replace(page_id: int):
    """Make this duplicate scan the counted reading (audited, with a reason)."""
    p = _load_page(page_id)
    form = ReplaceForm()
    if not form.validate_on_submit():
        flash(_("Say why the re-scan should replace the earlier reading."), "danger")
        return redirect(url_for(".page", page_id=p.id))
    try:
        ops.replace_page(p, current_user, form.reason.data)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for(".page", page_id=p.id))
    db.session.commit()
    flash(_("The re-scan is now the counted reading of this sheet page."), "success")
    return redirect(url_for(".page", page_id=p.id))


from . import verify_views  # noqa: E402,F401  (the queue's routes live on this blueprint)
from .inbox import views as inbox_views  # noqa: E402,F401  (so do the inboxes')

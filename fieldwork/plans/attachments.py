"""Attachments: type checked by content, size-limited, stored by SHA-256, versioned.

Files live under ``FIELDWORK_DATA_DIR/plans/survey-<id>/<sha256>.<ext>``. A path is written
once and never overwritten (hard link from a temporary file); a new upload with the same
kind, agency and title becomes the next version of that document.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import unicodedata
import zipfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit
from ..auth.roles import RoleName
from ..directory.models import Agency
from ..errors import OperationError
from ..extensions import db
from .models_docs import AGENCY_KINDS, Attachment, DocKind

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PIXELS = 60_000_000  # as for scans: A4 at 600 dpi is 35 Mpx

# type -> (MIME type, accepted file-name extensions)
TYPES = {
    "pdf": ("application/pdf", (".pdf",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             (".docx",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "tiff": ("image/tiff", (".tif", ".tiff")),
}
ALLOWED_TEXT = "PDF, DOCX, XLSX, PNG, JPEG, TIFF"


def sniff(data: bytes) -> str | None:
    """The file type by content (magic numbers; Office files by their ZIP parts), or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    return None


def clean_filename(name: str) -> str:
    """The file's base name without path parts or control characters (Vietnamese kept)."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[:200]


def image_pixels(data: bytes) -> int | None:
    """Width × height of a PNG, JPEG or TIFF read from its header (no decoding), or None."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # Pillow warns (or refuses) about huge images; we apply our own, lower, limit.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                width, height = im.size
    except Image.DecompressionBombError:
        return Image.MAX_IMAGE_PIXELS * 2 + 1
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None
    return width * height


def max_bytes() -> int:
    """The upload limit from ``PLANS_MAX_ATTACHMENT_BYTES`` (default 20 MiB)."""
    return int(current_app.config.get("PLANS_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_BYTES))


def _read_limited(stream, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise OperationError(_("The file is larger than the limit of %(mb)s MB; nothing was "
                               "saved.", mb=round(limit / 1024 / 1024, 1)))
    return data


def _store(survey_id: int, digest: str, ext: str, data: bytes) -> str:
    """Write the bytes once under the data dir; return the path relative to it."""
    root = Path(current_app.config["FIELDWORK_DATA_DIR"])
    rel = Path("plans") / f"survey-{survey_id}" / f"{digest}{ext}"
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        # Content-addressed: the same bytes are already there; never rewrite them.
        return rel.as_posix()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, target)  # fails instead of overwriting if the name appeared meanwhile
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
    return rel.as_posix()


def full_path(att: Attachment) -> Path:
    """Where the attachment's bytes are on disk."""
    return Path(current_app.config["FIELDWORK_DATA_DIR"]) / att.path


def can_upload(user, kind: DocKind) -> bool:
    """Managers upload any document; Home Affairs its appraisal letters; agencies comments."""
    if user.has_role(RoleName.MANAGER):
        return True
    if kind == DocKind.APPRAISAL:
        return user.has_role(RoleName.HOME_AFFAIRS)
    if kind == DocKind.COMMENT:
        return user.has_role(RoleName.AGENCY)
    return False


def upload(survey, data: dict, user) -> Attachment:
    """Store a file from ``{kind, title?, agency_id?, note?, filename, stream}``; audited.

    Refuses unknown kinds, a kind the user may not upload, agency documents without an agency
    in scope, empty or oversized files, types other than PDF/Office/images by content, images
    that cannot be read or have too many pixels (``PLANS_MAX_IMAGE_PIXELS``), a name whose
    extension contradicts the content, and a byte-identical copy of the latest version.
    """
    from .operations import _not_closed
    _not_closed(survey)
    try:
        kind = DocKind(data.get("kind") or "")
    except ValueError:
        raise OperationError(_("Choose the kind of document.")) from None
    if not can_upload(user, kind):
        raise OperationError(_("Your role may not upload this kind of document."))
    agency_id = data.get("agency_id") or None
    if kind in AGENCY_KINDS:
        try:
            agency_id = int(agency_id) if agency_id is not None else None
        except (TypeError, ValueError):
            agency_id = None
        if agency_id is None or not any(s.agency_id == agency_id for s in survey.scope):
            raise OperationError(_("Choose the agency (in this survey's scope) the document "
                                   "concerns."))
        if (user.has_role(RoleName.AGENCY) and not user.has_role(RoleName.MANAGER)
                and agency_id != user.agency_id):
            raise OperationError(_("You may only upload documents of your own agency."))
    else:
        agency_id = None
    filename = clean_filename(data.get("filename") or "")
    stream = data.get("stream")
    if not filename or stream is None:
        raise OperationError(_("Choose a file to upload."))
    body = _read_limited(stream, max_bytes())
    if not body:
        raise OperationError(_("The file is empty; nothing was saved."))
    ftype = sniff(body)
    if ftype is None:
        raise OperationError(_("This type of file is not accepted (allowed: %(types)s); "
                               "nothing was saved.", types=ALLOWED_TEXT))
    mime, exts = TYPES[ftype]
    ext = os.path.splitext(filename)[1].lower()
    if ext not in exts:
        raise OperationError(_("The file name ends in “%(ext)s” but its content is %(type)s; "
                               "rename it or choose the right file. Nothing was saved.",
                               ext=ext or "—", type=ftype.upper()))
    if ftype in ("png", "jpeg", "tiff"):
        pixels = image_pixels(body)
        limit = int(current_app.config.get("PLANS_MAX_IMAGE_PIXELS", DEFAULT_MAX_PIXELS))
        if pixels is None:
            raise OperationError(_("The image cannot be read; nothing was saved."))
        if pixels > limit:
            raise OperationError(_("The image has too many pixels (at most %(n)s million); "
                                   "scan it at a lower resolution. Nothing was saved.",
                                   n=limit // 1_000_000))
    title = " ".join((data.get("title") or "").split())[:200]
    doc_key = f"{kind.value}:{agency_id or '-'}:{title.casefold()}"[:300]
    digest = hashlib.sha256(body).hexdigest()
    latest = db.session.scalars(select(Attachment).where(
        Attachment.survey_id == survey.id, Attachment.doc_key == doc_key
    ).order_by(Attachment.version.desc()).limit(1)).first()
    if latest is not None and latest.sha256 == digest:
        raise OperationError(_("This file is identical to version %(n)d of the document; "
                               "nothing was saved.", n=latest.version))
    version = (db.session.scalar(select(func.max(Attachment.version)).where(
        Attachment.survey_id == survey.id, Attachment.doc_key == doc_key)) or 0) + 1
    path = _store(survey.id, digest, exts[0], body)
    att = Attachment(survey_id=survey.id, kind=kind, agency_id=agency_id, title=title,
                     doc_key=doc_key, version=version, filename=filename, content_type=mime,
                     size=len(body), sha256=digest, path=path,
                     note=(data.get("note") or "").strip(), uploaded_by_id=user.id)
    db.session.add(att)
    db.session.flush()
    agency = db.session.get(Agency, agency_id) if agency_id else None
    audit.record(user, "attachment.upload", att, after={
        "survey": survey.code, "kind": kind.value, "agency": agency.name if agency else None,
        "title": title, "version": version, "filename": filename, "sha256": digest,
        "size": len(body)})
    return att


def latest(survey, kind: DocKind, agency_id: int | None = None) -> Attachment | None:
    """The newest upload of ``kind`` (for one agency if given)."""
    q = select(Attachment).where(Attachment.survey_id == survey.id, Attachment.kind == kind)
    if agency_id is not None:
        q = q.where(Attachment.agency_id == agency_id)
    return db.session.scalars(q.order_by(Attachment.id.desc()).limit(1)).first()


def of_survey(survey, kinds=None) -> list[Attachment]:
    """Attachments of a survey (optionally of some kinds), newest first."""
    q = select(Attachment).where(Attachment.survey_id == survey.id)
    if kinds:
        q = q.where(Attachment.kind.in_(list(kinds)))
    return list(db.session.scalars(q.order_by(Attachment.id.desc())))

"""Print batches: serial allocation (unique per survey forever), the approval gate, files."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import uuid
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..errors import OperationError
from ..extensions import db
from ..plans.models import Survey
from .models import PrintBatch, QuestionnaireVersion, VersionStatus, format_serial
from .operations import latest_approved

MAX_SERIAL = 10 ** 8 - 1


def mac_key() -> bytes:
    """The key that signs QR payloads: FORMS_MAC_KEY, else derived from SECRET_KEY."""
    explicit = current_app.config.get("FORMS_MAC_KEY")
    if explicit:
        return explicit.encode()
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"fieldwork-forms-qr-mac", "sha256").digest()


def max_batch() -> int:
    """Largest batch allowed (config FORMS_MAX_BATCH, else print_settings.json)."""
    configured = current_app.config.get("FORMS_MAX_BATCH")
    if configured:
        return int(configured)
    from .fonts import load_print_settings
    return int(load_print_settings()["batch"]["max_count"])


def next_free_serial(survey: Survey) -> int:
    """The first serial after every batch printed so far for this survey."""
    last = db.session.scalar(select(func.max(PrintBatch.last_serial)).where(
        PrintBatch.survey_id == survey.id))
    return (last or 0) + 1


def _overlapping(survey: Survey, first: int, last: int) -> PrintBatch | None:
    return db.session.scalar(select(PrintBatch).where(
        PrintBatch.survey_id == survey.id, PrintBatch.first_serial <= last,
        PrintBatch.last_serial >= first).limit(1))


def _pick_version(survey: Survey, number: int | None, pilot: bool) -> QuestionnaireVersion:
    if number is None:
        version = latest_approved(survey)
        if version is None and pilot:
            version = db.session.scalar(select(QuestionnaireVersion).where(
                QuestionnaireVersion.survey_id == survey.id).order_by(
                QuestionnaireVersion.number.desc()).limit(1))
        if version is None:
            raise OperationError(_("Survey %(code)s has no approved questionnaire version; "
                                   "live forms cannot be printed before approval.",
                                   code=survey.code))
        return version
    version = db.session.scalar(select(QuestionnaireVersion).where(
        QuestionnaireVersion.survey_id == survey.id, QuestionnaireVersion.number == number))
    if version is None:
        raise OperationError(_("Survey %(code)s has no questionnaire version %(n)d.",
                               code=survey.code, n=number))
    if not pilot and version.status != VersionStatus.APPROVED:
        raise OperationError(_("Version %(n)d is not approved (%(status)s); print it as a "
                               "pilot or get it approved by Home Affairs first.",
                               n=version.number, status=version.status_label))
    return version


def _parse_int(value, what: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise OperationError(_("%(what)s must be a whole number.", what=what)) from None


def _target(survey, data: dict):
    """(agency, field, picked dossiers or None) of a print request; refuses bad input."""
    from ..directory.models import Field
    from . import personal
    from .imprints import agency_fields, scope_agency

    # ``assigned_agency_id`` (the agency a batch is handed to) is the same agency when given.
    agency_id = data.get("agency_id") or data.get("assigned_agency_id") or None
    if data.get("draw"):
        agency = scope_agency(survey, agency_id) if agency_id else None
        count = _parse_int(data.get("count"), _("The number of sheets"))
        if count is not None and count < 1:
            raise OperationError(_("The number of sheets must be at least 1."))
        reason = (data.get("reprint_reason") or "").strip()
        picked = personal.pick(survey, agency.id if agency else None, count, reason)
        return agency, None, picked
    agency = scope_agency(survey, agency_id)
    field = None
    if data.get("field_id"):
        field = db.session.get(Field, data["field_id"])
        known = agency_fields(survey, agency.id)
        if field is None or (known and field.id not in {f.id for f in known}):
            raise OperationError(_("That field is not one of %(agency)s's fields in the plan.",
                                   agency=agency.name))
    return agency, field, None


def print_batch(survey: Survey, data: dict, user, progress=None) -> PrintBatch:
    """Print a batch into the data directory; returns the batch.

    ``data``: agency_id (a generic batch is for one agency of the scope), field_id
    (optional), count, or draw (one personalised sheet per drawn dossier not printed yet, of
    the agency or of all; count optional; reprint_reason prints again the sheets still out
    and voids their serials), version (number, optional: latest approved), start_serial
    (optional: next free), pilot, assigned_user_id, note. ``progress(done, total)`` is called
    while the sheets are drawn.
    """
    from . import personal
    from .imprints import imprint_dict, imprint_for
    from .layout import layout_questionnaire
    from .printing import render_batch

    pilot = bool(data.get("pilot"))
    draw = bool(data.get("draw"))
    if draw and pilot:
        raise OperationError(_("Personalised sheets are live sheets; print a pilot as a "
                               "generic batch."))
    limit = max_batch()
    # Lock the survey row so that two print jobs cannot take the same serials or the same
    # drawn dossiers (PostgreSQL; SQLite writes one at a time and the indexes refuse the rest).
    db.session.execute(select(Survey.id).where(Survey.id == survey.id).with_for_update())
    agency, field, picked = _target(survey, data)
    count = len(picked.dossiers) if picked else _parse_int(data.get("count"),
                                                             _("The number of sheets"))
    if count is None or not 1 <= count <= limit:
        raise OperationError(_("The number of sheets must be between 1 and %(max)d.",
                               max=limit))
    version = _pick_version(survey, _parse_int(data.get("version"), _("The version")), pilot)
    first = _parse_int(data.get("start_serial"), _("The first serial"))
    if first is None:
        first = next_free_serial(survey)
    last = first + count - 1
    if first < 1 or last > MAX_SERIAL:
        raise OperationError(_("Serials must lie between 1 and %(max)d.", max=MAX_SERIAL))
    clash = _overlapping(survey, first, last)
    if clash is not None:
        raise OperationError(_(
            "Serials %(a)s-%(b)s overlap batch #%(id)d (%(c)s-%(d)s); serials are unique per "
            "survey forever. The next free serial is %(free)s.",
            a=format_serial(first), b=format_serial(last), id=clash.id,
            c=format_serial(clash.first_serial), d=format_serial(clash.last_serial),
            free=format_serial(next_free_serial(survey))))

    q = version.questionnaire
    imprint = imprint_for(survey, agency, field, personal=draw)
    try:
        layout = layout_questionnaire(q, survey.code, version.number, imprint=imprint)
    except ValueError as exc:
        raise OperationError(str(exc)) from None
    folder = Path(current_app.config["FIELDWORK_DATA_DIR"]) / "print" / survey.code
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{survey.code}-v{version.number}-{format_serial(first)}-{format_serial(last)}"
    if pilot:
        stem += "-pilot"
    # A unique suffix: a print whose transaction rolled back must never be overwritten.
    stem += "-" + uuid.uuid4().hex[:8]
    pdf_path, layout_path = folder / f"{stem}.pdf", folder / f"{stem}.layout.json"
    tmp = folder / f".{stem}.pdf.part"
    serials = [format_serial(n) for n in range(first, last + 1)]
    dossiers = personal.texts(picked.dossiers, agency is not None) if picked else None
    try:
        with open(tmp, "wb") as fh:
            render_batch(q, layout, survey.title, serials, mac_key(), pilot=pilot, out=fh,
                         imprint=imprint, dossiers=dossiers, progress=progress)
        layout_path.write_text(json.dumps(layout, ensure_ascii=False, indent=1),
                               encoding="utf-8")
        os.replace(tmp, pdf_path)
    except Exception:
        tmp.unlink(missing_ok=True)
        layout_path.unlink(missing_ok=True)
        raise
    digest = hashlib.sha256(pdf_path.read_bytes()).hexdigest()
    batch = PrintBatch(
        survey_id=survey.id, version_id=version.id, first_serial=first, last_serial=last,
        pilot=pilot, pages_per_sheet=len(layout["pages"]), pdf_path=str(pdf_path),
        layout_path=str(layout_path), pdf_sha256=digest,
        agency_id=agency.id if agency else None, field_id=field.id if field else None,
        personal=draw, imprint=imprint_dict(imprint),
        assigned_user_id=data.get("assigned_user_id") or None,
        assigned_agency_id=agency.id if agency else None,
        note=(data.get("note") or "").strip(), created_by_id=getattr(user, "id", None))
    db.session.add(batch)
    db.session.flush()
    if picked:
        try:
            with db.session.begin_nested():
                personal.record(batch, picked, (data.get("reprint_reason") or "").strip(), user)
        except IntegrityError:
            Path(pdf_path).unlink(missing_ok=True)
            layout_path.unlink(missing_ok=True)
            raise OperationError(_("These dossiers were printed by someone else at the same "
                                   "moment; nothing was printed. Look at the batches and "
                                   "print again if some are still missing.")) from None
    audit.record(user, "print.batch", batch, after={
        "survey": survey.code, "version": version.number, "first": format_serial(first),
        "last": format_serial(last), "pilot": pilot, "sha256": digest,
        "agency": agency.name if agency else None, "field": field.name if field else None,
        "personal": draw, "pages_per_sheet": len(layout["pages"])})
    return batch


def batch_for_serial(survey: Survey, serial: int) -> PrintBatch | None:
    """The batch that printed ``serial`` in this survey, if any."""
    return db.session.scalar(select(PrintBatch).where(
        PrintBatch.survey_id == survey.id, PrintBatch.first_serial <= serial,
        PrintBatch.last_serial >= serial))


def assign_batch(batch: PrintBatch, data: dict, user) -> None:
    """Hand a printed batch to an enumerator and/or an agency (changeable later); audited."""
    from ..auth.models import User
    from ..auth.roles import RoleName
    from ..directory.models import Agency
    user_id = data.get("assigned_user_id") or None
    agency_id = data.get("assigned_agency_id") or None
    if user_id is not None:
        enumerator = db.session.get(User, user_id)
        if enumerator is None or not enumerator.has_role(RoleName.ENUMERATOR):
            raise OperationError(_("Sheets can only be handed out to an enumerator."))
    if agency_id is not None and db.session.get(Agency, agency_id) is None:
        raise OperationError(_("Unknown agency."))
    if batch.imprint is not None and agency_id is None:
        agency_id = batch.assigned_agency_id  # printed on the paper: kept
    if batch.imprint is not None and agency_id != batch.assigned_agency_id:
        raise OperationError(_("The agency is printed on these sheets; hand them to an "
                               "enumerator, or print a batch for the other agency."))
    before = {"user": batch.assigned_user_id, "agency": batch.assigned_agency_id}
    after = {"user": user_id, "agency": agency_id}
    if before == after:
        return
    batch.assigned_user_id, batch.assigned_agency_id = user_id, agency_id
    audit.record(user, "print.assign", batch, before=before, after=after)

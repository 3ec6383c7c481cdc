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


def print_batch(survey: Survey, data: dict, user) -> PrintBatch:
    """Print ``count`` sheets of a version into the data directory; returns the batch.

    ``data``: count, version (number, optional: latest approved), start_serial (optional:
    next free), pilot, assigned_user_id, assigned_agency_id, note.
    """
    from .layout import layout_questionnaire
    from .printing import render_batch

    pilot = bool(data.get("pilot"))
    count = _parse_int(data.get("count"), _("The number of sheets"))
    limit = max_batch()
    if count is None or not 1 <= count <= limit:
        raise OperationError(_("The number of sheets must be between 1 and %(max)d.",
                               max=limit))
    version = _pick_version(survey, _parse_int(data.get("version"), _("The version")), pilot)
    # Lock the survey row so that two print jobs cannot take the same serials (PostgreSQL).
    db.session.execute(select(Survey.id).where(Survey.id == survey.id).with_for_update())
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
    try:
        layout = layout_questionnaire(q, survey.code, version.number)
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
    try:
        with open(tmp, "wb") as fh:
            render_batch(q, layout, survey.title, serials, mac_key(), pilot=pilot, out=fh)
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
        assigned_user_id=data.get("assigned_user_id") or None,
        assigned_agency_id=data.get("assigned_agency_id") or None,
        note=(data.get("note") or "").strip(), created_by_id=getattr(user, "id", None))
    db.session.add(batch)
    db.session.flush()
    audit.record(user, "print.batch", batch, after={
        "survey": survey.code, "version": version.number, "first": format_serial(first),
        "last": format_serial(last), "pilot": pilot, "sha256": digest})
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
    before = {"user": batch.assigned_user_id, "agency": batch.assigned_agency_id}
    after = {"user": user_id, "agency": agency_id}
    if before == after:
        return
    batch.assigned_user_id, batch.assigned_agency_id = user_id, agency_id
    audit.record(user, "print.assign", batch, before=before, after=after)

"""Which sheet a typed serial opens for keying, and whether this person may key it.

A serial may be keyed only if it was printed in a live (not pilot) batch of the survey, it
belongs to the keyer's assignment (a serial range handed to them, or a batch handed to
them; the manager keys any printed sheet), and this person has not keyed it already.  A
sheet waiting for its second keying opens for anyone but its first keyer.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..forms.batches import batch_for_serial
from ..forms.models import PrintBatch, QuestionnaireVersion, format_serial
from ..omr.models import ScanSheet, SheetStatus
from ..plans.models import Survey
from ..plans.models_fieldwork import Assignment, SerialRange
from .models import EntrySheet, SheetSource, Stage

MAX_SERIAL = 10 ** 8 - 1


@dataclass
class Target:
    """A sheet about to be keyed: where it was printed, whose it is, and which pass."""

    survey: Survey
    serial: int
    batch: PrintBatch
    version: QuestionnaireVersion
    agency_id: int | None
    enumerator_id: int | None
    in_assignment: bool
    sheet: EntrySheet | None
    pass_no: int

    @property
    def serial_text(self) -> str:
        """The serial as printed."""
        return format_serial(self.serial)


def parse_serial(text) -> int:
    """The serial number typed by a person; OperationError if it is not one."""
    raw = str(text if text is not None else "").strip().replace(" ", "")
    if not raw:
        raise OperationError(_("Type the serial printed on the sheet."))
    if not raw.isdigit() or len(raw) > 8 or not 1 <= int(raw) <= MAX_SERIAL:
        raise OperationError(_("A serial is up to 8 digits, as printed under the QR code "
                               "(e.g. 00000123)."))
    return int(raw)


def range_for(survey: Survey, serial: int) -> SerialRange | None:
    """The serial range (of an enumerator's assignment) that holds ``serial``."""
    return db.session.scalar(select(SerialRange).where(
        SerialRange.survey_id == survey.id, SerialRange.first_serial <= serial,
        SerialRange.last_serial >= serial).order_by(SerialRange.id.desc()).limit(1))


def owner(survey: Survey, serial: int, batch: PrintBatch) -> tuple[int | None, int | None]:
    """(enumerator id, agency id) of a printed sheet: the agency printed on it (its record),
    else the one it was handed to; the enumerator from assignments or the batch."""
    from ..forms.records import sheet_record

    record = sheet_record(survey.id, serial) if batch.imprint is not None else None
    printed = record.agency_id if record is not None else None
    found = range_for(survey, serial)
    if found is not None:
        assignment: Assignment = found.assignment
        return assignment.enumerator_id, printed or assignment.agency_id
    return batch.assigned_user_id, printed or batch.assigned_agency_id


def _elsewhere(survey: Survey, serial: int) -> Survey | None:
    return db.session.scalar(select(Survey).join(PrintBatch, PrintBatch.survey_id == Survey.id)
                             .where(PrintBatch.survey_id != survey.id,
                                    PrintBatch.first_serial <= serial,
                                    PrintBatch.last_serial >= serial).limit(1))


def find_sheet(survey: Survey, serial: int) -> EntrySheet | None:
    """The entry record of a serial, if any."""
    return db.session.scalar(select(EntrySheet).where(EntrySheet.survey_id == survey.id,
                                                      EntrySheet.serial == serial))


def resolve(survey: Survey, text, user) -> Target:
    """The keying target for a typed serial; OperationError saying why it cannot be keyed."""
    serial = parse_serial(text)
    shown = format_serial(serial)
    batch = batch_for_serial(survey, serial)
    if batch is None:
        other = _elsewhere(survey, serial)
        if other is not None:
            raise OperationError(_("Sheet %(s)s belongs to survey %(other)s, not %(code)s.",
                                   s=shown, other=other.code, code=survey.code))
        raise OperationError(_("Sheet %(s)s was never printed for survey %(code)s.",
                               s=shown, code=survey.code))
    if batch.pilot:
        raise OperationError(_("Sheet %(s)s is from a pilot print; pilot sheets are never "
                               "keyed as survey data.", s=shown))
    from ..forms.personal import refusal, sheet_of

    refused = refusal(sheet_of(survey.id, serial)) if batch.personal else None
    if refused is not None:
        raise OperationError(refused[1])
    enumerator_id, agency_id = owner(survey, serial, batch)
    sheet = find_sheet(survey, serial)
    if sheet is not None:
        return _second_pass(survey, serial, batch, sheet, user, enumerator_id, agency_id)
    scan = db.session.scalar(select(ScanSheet).where(ScanSheet.survey_id == survey.id,
                                                     ScanSheet.serial == serial))
    if scan is not None and scan.status != SheetStatus.INCOMPLETE:
        raise OperationError(_("Sheet %(s)s was scanned; its answers come from the scan "
                               "(its doubts are decided in the verification queue).", s=shown))
    manager = user.has_role(RoleName.MANAGER)
    if not manager and enumerator_id != user.id:
        raise OperationError(_("Sheet %(s)s is not in your assignment; key only the sheets "
                               "handed to you.", s=shown))
    return Target(survey, serial, batch, batch.version, agency_id, enumerator_id,
                  enumerator_id is not None, None, 1)


def _second_pass(survey, serial, batch, sheet, user, enumerator_id, agency_id) -> Target:
    shown = format_serial(serial)
    if any(k.keyed_by_id == user.id for k in sheet.keyings):
        raise OperationError(_("You have already keyed sheet %(s)s. Its second keying must "
                               "be done by another person.", s=shown))
    if sheet.source == SheetSource.OMR:
        raise OperationError(_("Sheet %(s)s was read from its scan and is not keyed; "
                               "corrections are made when reviewing it.", s=shown))
    if sheet.stage != Stage.AWAITING_KEY2:
        raise OperationError(_("Sheet %(s)s has already been keyed.", s=shown))
    return Target(survey, serial, batch, sheet.version, agency_id, enumerator_id,
                  sheet.in_assignment, sheet, 2)


def next_serial(survey: Survey, user, after: int) -> int | None:
    """The next serial after ``after`` in the same batch that this person may key now."""
    batch = batch_for_serial(survey, after)
    if batch is None:
        return None
    last = min(batch.last_serial, after + 200)
    done = set(db.session.scalars(select(EntrySheet.serial).where(
        EntrySheet.survey_id == survey.id, EntrySheet.serial.between(after + 1, last),
        EntrySheet.stage != Stage.AWAITING_KEY2)))
    for serial in range(after + 1, last + 1):
        if serial in done:
            continue
        try:
            resolve(survey, serial, user)
        except OperationError:
            continue
        return serial
    return None

"""What the paper of a serial already says: its batch, agency, field and drawn dossier.

``sheet_record`` is the one place the reader, keying and review ask; the QR code carries
only the serial, the rest is in the batch (agency, field, imprint) and, for a personalised
sheet, in its ``PrintedSheet`` (the dossier).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from .imprint import AGENCY, DOSSIER, FIELD, PROCEDURE
from .imprints import imprint_from
from .models import PrintBatch, PrintedSheet


@dataclass
class SheetRecord:
    """A printed serial and what its paper already knows."""

    batch: PrintBatch
    serial: int
    agency_id: int | None = None
    field_id: int | None = None
    printed: PrintedSheet | None = None
    ticks: dict[str, str] = field(default_factory=dict)  # field tick option code -> name

    @property
    def dossier(self):
        """The drawn dossier of a personalised sheet (None for a generic one)."""
        return self.printed.dossier if self.printed is not None else None

    @property
    def bound(self) -> bool:
        """The paper names its agency (a batch printed with an imprint)."""
        return self.batch.imprint is not None

    def known(self) -> dict[str, str]:
        """Answers of the identity questions that the paper did not ask (printed or known)."""
        from ..directory.models import Agency, Field

        if not self.bound:
            return {}
        out: dict[str, str] = {}
        agency = db.session.get(Agency, self.agency_id) if self.agency_id else None
        if agency is not None:
            out[AGENCY] = agency.name
        found = db.session.get(Field, self.field_id) if self.field_id else None
        if found is not None:
            out[FIELD] = found.name
        out[DOSSIER] = self.dossier.code if self.dossier is not None else ""
        if self.dossier is not None:
            out[PROCEDURE] = self.dossier.procedure or ""
        return out

    def field_for(self, option: str) -> int | None:
        """The field id of a ticked option code of this sheet's tick boxes."""
        return field_by_option(option) if option in self.ticks else None


def sheet_record(survey_id: int, serial: int) -> SheetRecord | None:
    """The record of ``serial`` in the survey, or None when no batch printed it."""
    batch = db.session.scalar(select(PrintBatch).where(
        PrintBatch.survey_id == survey_id, PrintBatch.first_serial <= serial,
        PrintBatch.last_serial >= serial))
    if batch is None:
        return None
    rec = SheetRecord(batch, serial, batch.agency_id, batch.field_id)
    imprint = imprint_from(batch.imprint)
    if imprint is not None and not imprint.field_name:
        if len(imprint.fields) == 1:
            rec.field_id = field_by_option(imprint.fields[0][0])
        rec.ticks = {code: name for code, name in imprint.fields}
    if batch.personal:
        rec.printed = db.session.scalar(select(PrintedSheet).where(
            PrintedSheet.survey_id == survey_id, PrintedSheet.serial == serial))
        if rec.printed is not None:
            rec.agency_id = rec.printed.agency_id
            rec.field_id = rec.printed.dossier.field_id
    return rec


def field_by_option(option: str) -> int | None:
    """The field whose tick-box option code is ``option`` (``imprint.field_option``)."""
    from sqlalchemy import func

    from ..directory.models import Field

    by_code = db.session.scalar(select(Field.id).where(func.lower(Field.code) == option).limit(1))
    if by_code is not None or not (option.startswith("f") and option[1:].isdigit()):
        return by_code
    found = db.session.get(Field, int(option[1:]))
    return found.id if found is not None else None

"""Demo content: a printed batch of DEMO-2026, filled in and scanned back, doubts queued.

``finish`` runs after the forms demo approved v1: the manager prints ten live sheets
handed to an enumerator, respondents fill them (generated, with a few double marks and
stray strokes so the verification queue has work), and the scanning operator's batch
reads them, one page deliberately scanned twice and one sheet's second page missing.
The scanning operator holds the right to see contact data for DEMO-2026, so that she
can settle doubtful phone numbers and citizen IDs.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from ..forms.api import has_approved_version
from ..forms.batches import print_batch

SHEETS = 10


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def load(survey, actor) -> None:
    """Nothing before the questionnaire is approved (see ``finish``)."""


def finish(survey, actor) -> None:
    """Print, fill, scan and read ten sheets of the approved version."""
    from .jobs import process_batch
    from .operations import add_file, create_batch
    from .synth.degrade import Scan
    from .synth.respondent import Rates
    from .synth.sheets import fill_and_scan

    if not has_approved_version(survey):
        return
    manager = _user("quanly@demo.vn") or actor
    scanner = _user("smq@demo.vn")
    if scanner is not None:  # she settles doubtful phone numbers and IDs at the station
        from ..privacy.operations import grant_contact_access

        grant_contact_access(scanner, {"survey_id": survey.id, "reason": (
            "Kiểm tra số điện thoại, số căn cước đọc chưa chắc chắn trên phiếu quét")}, manager)
    enumerator = _user("dtv.lan@demo.vn")
    printed = print_batch(survey, {
        "count": SHEETS, "assigned_user_id": enumerator.id if enumerator else None,
        "note": "Phiếu phát cho điều tra viên Nguyễn Thị Lan"}, manager)
    layout = json.loads(Path(printed.layout_path).read_text(encoding="utf-8"))
    serials = [printed.serial_text(n) for n in range(printed.first_serial,
                                                    printed.last_serial + 1)]
    rng = np.random.default_rng(2026)
    rates = Rates(double=0.08, stray_per_page=1.0, correction=0.05)
    samples = list(fill_and_scan(Path(printed.pdf_path).read_bytes(), layout, serials, rng,
                                 dpis=(150,), rates=rates, scan=Scan(skew=0.8, noise=3,
                                                                      jpeg=85)))
    pages = len(layout["pages"])
    if pages > 1:  # the last sheet's second page is still with the enumerator
        samples = [s for s in samples if not (s.serial == serials[-1] and s.page == 2)]
    samples.append(samples[0])  # the first page fed through the scanner twice
    batch = create_batch({"survey": survey, "note": "Lô quét mẫu"}, scanner or actor,
                         source="demo")
    for i, s in enumerate(samples):
        add_file(batch, f"scan-{i + 1:03d}.{s.ext}", s.data)
    db.session.commit()
    process_batch(batch.id)

"""Demo content: a printed batch of DEMO-2026, filled in and scanned back, doubts queued.

``field`` runs once the survey is in the field: the manager prints eleven generic sheets for
the agency of Lan's assignment (its name printed on them) and hands them to her as a serial
range; respondents fill ten of them (generated, with a few double marks and stray strokes so
the verification queue has work). The eleventh sheet was keyed by Lan at the office before
the batch reached the station, and she typed "Hài lòng" where the respondent left the
question blank: its scan disagrees and the sheet waits for adjudication with both values and
the crop. The manager also prints ten personalised sheets for drawn dossiers of Sở Tư pháp
(the frame demo's draw); nine come back. The scanning operator's batch reads them all, one
page deliberately scanned twice. She holds the right to see contact data for DEMO-2026, so
that she can settle doubtful phone numbers and citizen IDs.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sqlalchemy import select

from ..auth.models import user_by_email as _user
from ..extensions import db
from ..forms.api import has_approved_version
from ..forms.batches import print_batch

SHEETS = 10  # generic, for the agency of Lan's assignment (and one more keyed first)
PERSONAL = 10  # personalised, for drawn dossiers of AGENCY
AGENCY, WARD = "Sở Tư pháp", "Phường Hải Châu"


def _assignment_of(survey, user):
    """The enumerator's first assignment in the survey (its agency gets the sheets)."""
    from ..plans.models_fieldwork import Assignment
    if user is None:
        return None
    return db.session.scalars(select(Assignment).where(
        Assignment.survey_id == survey.id, Assignment.enumerator_id == user.id)
        .order_by(Assignment.id)).first()


def _key_with_a_slip(survey, serial: int, pages: list, assignment, keyer) -> None:
    """Key a filled sheet from its paper before it is scanned, with one slip: "Hài lòng"
    typed where the respondent left the overall question blank (or the other answer)."""
    from ..entry.operations import save_keying
    from ..entry.serials import resolve

    truth: dict = {}
    for page in pages:
        truth.update(page.truth)
    version = resolve(survey, serial, keyer).version
    raw = {}
    for q in version.questionnaire.questions():
        values = truth.get(q.code, {}).get("values", [])
        if q.kind in ("digits", "date"):
            raw[q.code] = "".join(values)
        elif q.kind == "single":
            raw[q.code] = values[0] if values else ""
        elif q.kind == "multiple":
            raw[q.code] = list(values)
        else:
            raw[q.code] = ""
    raw.update({"agency": assignment.agency.name, "field": "Hộ tịch", "q02": [],
                "q02_other": ""})
    raw["q01"] = "no" if raw.get("q01") == "yes" else "yes"
    save_keying(resolve(survey, serial, keyer), raw, keyer, confirmed=True)


def _print_and_hand_out(survey, data: dict, assignment, handed_out_on: str, manager):
    """Print a batch, hand its serial range to the assignment's enumerator (when there is
    one); returns the batch, its layout and its serials as printed."""
    printed = print_batch(survey, data, manager)
    if assignment is not None:
        from ..plans.operations_fieldwork import hand_out_range
        hand_out_range(assignment, {"first_serial": printed.first_serial,
                                    "last_serial": printed.last_serial,
                                    "handed_out_on": handed_out_on}, manager)
    layout = json.loads(Path(printed.layout_path).read_text(encoding="utf-8"))
    serials = [printed.serial_text(n) for n in range(printed.first_serial,
                                                    printed.last_serial + 1)]
    return printed, layout, serials


def _personal(survey, agency, manager, rng, rates) -> list:
    """Personalised sheets for ten drawn dossiers of ``agency``, filled; one is still out."""
    from ..plans.demo import assignment_at
    from .synth.degrade import Scan
    from .synth.sheets import fill_and_scan

    if agency is None:
        return []
    assignment = assignment_at(survey, agency.id)
    printed, layout, serials = _print_and_hand_out(survey, {
        "count": PERSONAL, "draw": True, "agency_id": agency.id,
        "assigned_user_id": assignment.enumerator_id if assignment else None,
        "note": f"Phiếu theo hồ sơ rút mẫu của {agency.name}"}, assignment, "2026-06-05",
        manager)
    return list(fill_and_scan(Path(printed.pdf_path).read_bytes(), layout, serials, rng,
                              dpis=(150,), rates=rates, scan=Scan(skew=0.8, noise=3, jpeg=85),
                              only=set(serials[:-1])))


def load(survey, actor) -> None:
    """Nothing before the survey is in the field (see ``field``)."""


def field(survey, actor) -> None:
    """Print, fill, scan and read the sheets of the approved version (and one keyed first)."""
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
    assignment = _assignment_of(survey, enumerator)
    names = {row.agency.name: row.agency for row in survey.scope}
    agency = assignment.agency if assignment is not None else names.get(WARD)
    if agency is None:
        return
    printed, layout, every = _print_and_hand_out(survey, {
        "count": SHEETS + 1, "assigned_user_id": enumerator.id if enumerator else None,
        "agency_id": agency.id, "note": "Phiếu phát cho điều tra viên Nguyễn Thị Lan"},
        assignment, "2026-06-03", manager)
    serials, keyed_first = every[:SHEETS], every[SHEETS]
    rng = np.random.default_rng(2026)
    rates = Rates(double=0.08, stray_per_page=1.0, correction=0.05)
    samples = list(fill_and_scan(Path(printed.pdf_path).read_bytes(), layout, serials, rng,
                                 dpis=(150,), rates=rates, scan=Scan(skew=0.8, noise=3,
                                                                      jpeg=85)))
    samples.append(samples[0])  # the first page fed through the scanner twice
    pdf = Path(printed.pdf_path).read_bytes()
    clean = list(fill_and_scan(pdf, layout, every, np.random.default_rng(7), dpis=(150,),
                               rates=Rates(double=0, stray_per_page=0, correction=0),
                               scan=Scan(skew=0.3, noise=2, jpeg=90), only={keyed_first}))
    if enumerator is not None and assignment is not None:
        _key_with_a_slip(survey, int(keyed_first), clean, assignment, enumerator)
        samples += clean
    samples += _personal(survey, names.get(AGENCY), manager, rng, rates)
    batch = create_batch({"survey": survey, "note": "Lô quét mẫu"}, scanner or actor,
                         source="demo")
    for i, s in enumerate(samples):
        add_file(batch, f"scan-{i + 1:03d}.{s.ext}", s.data)
    db.session.commit()
    process_batch(batch.id)

"""Demo content: keyed sheets of DEMO-2026, some keyed twice, one disagreement to adjudicate.

``field`` runs once the survey is in the field (and after the scanning demo): the manager
sets double entry to a seeded 30 % of sheets and prints two batches for the agencies of the
two enumerators' assignments, handed to them as serial ranges; each keys the sheets handed
to them, the other keys the drawn ones a second time (two answers mistyped: one
adjudicated, one left for the adjudicator), the manager approves part of them, and the
scanned sheets that are complete are taken in.
"""

from __future__ import annotations

import random

from sqlalchemy import select

from ..auth.models import user_by_email as _user
from ..directory.models import Field
from ..extensions import db
from ..forms.api import has_approved_version
from ..forms.batches import print_batch
from ..plans.demo import assignment_at
from ..plans.operations_fieldwork import hand_out_range
from . import operations as ops
from .double import adjudicate
from .models import ReviewState, Stage
from .serials import resolve
from .sources import sync_from_omr

SHEETS = (18, 12)  # per enumerator
AGENCIES = ["Sở Tư pháp", "Phường Hải Châu", "Sở Xây dựng", "Phường Thanh Khê"]
FIELDS = ["Hộ tịch", "Chứng thực", "Xây dựng", "Đất đai"]
REASONS = ["reason_a", "reason_b", "reason_c", "reason_d", "reason_e", "other"]


def load(survey, actor) -> None:
    """Nothing before the survey is in the field (see ``field``)."""


def answers(rng: random.Random, serial: int, agency: str) -> dict:
    """Plausible typed answers of one 2025 Da Nang form."""
    satisfied = rng.random() < 0.8
    out = {"phone": f"09{rng.randrange(10 ** 8):08d}",
           "citizen_id": f"048{rng.randrange(10 ** 9):09d}" if rng.random() < 0.7 else "",
           "survey_date": f"{rng.randint(1, 28):02d}/{rng.randint(3, 9):02d}/2026",
           "dossier_code": "", "agency": agency,
           "field": rng.choice(FIELDS), "procedure": "", "q01": "yes" if satisfied else "no",
           "q02": [], "q02_other": "", "q03": ""}
    if not satisfied:
        out["q02"] = sorted(rng.sample(REASONS, rng.randint(1, 2)))
        if "other" in out["q02"]:
            out["q02_other"] = "Phải chờ lâu tại quầy tiếp nhận"
    if rng.random() < 0.2:
        out["q03"] = "Cán bộ nhiệt tình, hướng dẫn rõ ràng."
    return out


def field(survey, actor) -> None:
    """Print, key, double-key and review a few dozen sheets."""
    if not has_approved_version(survey):
        return
    manager = _user("quanly@demo.vn") or actor
    keyers = [_user("dtv.lan@demo.vn"), _user("dtv.hung@demo.vn")]
    if manager is None or None in keyers:
        return
    ops.update_settings(survey, {"double_mode": "percent", "percent": 30, "seed": 2026},
                        manager)
    rng = random.Random(2026)
    keyed = []
    scope = {row.agency.name: row.agency for row in survey.scope}
    names = [a for a in AGENCIES if a in scope] or sorted(scope)
    for i, (keyer, count) in enumerate(zip(keyers, SHEETS, strict=True)):
        agency = names[i % len(names)]
        found = scope[agency]
        assignment = assignment_at(survey, found.id)
        if assignment is not None:
            keyer = assignment.enumerator
        batch = print_batch(survey, {"count": count, "assigned_user_id": keyer.id,
                                     "agency_id": found.id,
                                     "note": f"Phiếu phát cho {keyer.name} (nhập liệu)"},
                            manager)
        if assignment is not None:
            hand_out_range(assignment, {"first_serial": batch.first_serial,
                                        "last_serial": batch.last_serial,
                                        "handed_out_on": "2026-06-04"}, manager)
        for serial in range(batch.first_serial, batch.last_serial + 1):
            typed = answers(rng, serial, agency)
            field = db.session.scalar(select(Field).where(Field.name == typed["field"]))
            identity = (found.id, field.id if field else None)
            sheet = ops.save_keying(resolve(survey, serial, keyer), typed, keyer,
                                    confirmed=True, identity=identity)
            keyed.append((sheet, typed, keyers[1] if keyer is keyers[0] else keyers[0],
                          identity))
    slips = 0
    for sheet, typed, other, identity in keyed:
        if sheet.stage != Stage.AWAITING_KEY2:
            continue
        second = dict(typed)
        if slips < 2:  # slips of the finger for the adjudicator to catch
            second["survey_date"] = second["survey_date"].replace("/2026", "/2025")
            slips += 1
        ops.save_keying(resolve(survey, sheet.serial, other), second, other, confirmed=True,
                        identity=identity)
        if slips == 2 and sheet.stage == Stage.ADJUDICATION:  # the second one is decided
            adjudicate(sheet, {"survey_date": {"choice": "key1"}}, manager)
            slips += 1
    for sheet, _typed, _other, _identity in keyed[::2]:
        if sheet.stage == Stage.FINAL and sheet.review_state == ReviewState.RECEIVED:
            ops.transition(sheet, "approve", manager)
    sync_from_omr(survey, manager)

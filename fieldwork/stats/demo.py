"""Demo content: a realistic year of completed, approved paper sheets for the statistics.

``finish`` runs after the forms demo approved v1 of DEMO-2026 (and after the entry demo keyed
its few dozen sheets): the manager prints one live batch per agency in scope, handed to one
of the two demo enumerators; the sheets come back filled in over the months of the survey,
are keyed (a seeded share twice, as the entry settings say) and approved.  The answers are
plausible, not real: each agency's satisfaction rate is taken from ``demo_city.json``,
reasons follow the weights below, about one sheet in eight carries a comment.

``fill_year`` does the same for any survey (``fieldwork.demo_previous`` fills DEMO-2025 with
it).  The number of sheets is ``DEMO_BULK_SHEETS`` (or ``FIELDWORK_DEMO_SHEETS``; default
3,000, fewer under the test configuration unless set).  Everything is drawn from
``random.Random(seed)``: the same seed gives the same sheets and so the same statistics
snapshot.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from .. import audit
from ..auth.models import user_by_email as _user
from ..directory.models import Field
from ..extensions import db
from ..forms.api import has_approved_version
from ..forms.batches import print_batch
from ..plans.progress import requirements
from ..timeutil import utcnow
from .demo_bulk import KeyedSheet, insert_approved
from .demo_texts import COMMENTS_CRITICAL, COMMENTS_POLITE, OTHER_REASONS

DEFAULT_SHEETS = 3000
TESTING_SHEETS = 240  # the many tests that load the demo need content, not volume
SEED = 2026
# Share of unsatisfied respondents who tick each reason (several may be ticked).
REASON_WEIGHTS = {"reason_a": 16, "reason_b": 34, "reason_c": 30, "reason_d": 13,
                  "reason_dd": 11, "reason_e": 3, "reason_f": 6, "reason_g": 15, "other": 9}
# Survey months and their weights: the plan's fieldwork runs from June to September.
MONTHS_2026 = {6: 22, 7: 27, 8: 28, 9: 23}
LOCAL = timedelta(hours=7)  # Asia/Ho_Chi_Minh


@dataclass
class Agency:
    """An agency in scope with its fields, its satisfaction rate, and its share of sheets."""

    id: int
    name: str
    number: int
    fields: list[Field]
    rate: float
    sheets: int


def city_data() -> dict:
    """The demo city (agencies, fields, rates by year) from ``demo_city.json``."""
    from ..demo import DATA
    return json.loads(DATA.read_text(encoding="utf-8"))


def bulk_size() -> int:
    """How many sheets the demo year gets: config ``DEMO_BULK_SHEETS`` or environment
    ``FIELDWORK_DEMO_SHEETS``, else 3,000 (240 under the test configuration)."""
    configured = (current_app.config.get("DEMO_BULK_SHEETS")
                  or os.environ.get("FIELDWORK_DEMO_SHEETS"))
    if configured:
        return int(configured)
    return TESTING_SHEETS if current_app.testing else DEFAULT_SHEETS


def load(survey, actor) -> None:
    """Nothing before the survey is in the field (see ``field``)."""


def field(survey, actor) -> None:
    """Fieldwork so far for DEMO-2026: each agency's sheets printed for its assignment,
    handed out as a serial range, keyed and approved; the paper counted back for every
    range, a few with forms not keyed yet (typed, shown as such)."""
    from ..plans.models_fieldwork import Assignment
    from ..plans.operations_fieldwork import hand_out_range, record_return

    manager = _user("quanly@demo.vn")
    keyers = [_user("dtv.lan@demo.vn"), _user("dtv.hung@demo.vn")]
    if manager is None or None in keyers or not has_approved_version(survey):
        return
    assignments = {a.agency_id: a for a in db.session.scalars(select(Assignment).where(
        Assignment.survey_id == survey.id).order_by(Assignment.id))}
    handed = {agency_id: a.enumerator for agency_id, a in assignments.items()}
    handouts = fill_year(survey, bulk_size(), SEED, manager, keyers, MONTHS_2026,
                         handed or None, spare=0.05 if handed else 0.0)
    for i, (agency_id, got) in enumerate(handouts.items()):
        assignment = assignments.get(agency_id)
        if assignment is None:
            continue
        rng = hand_out_range(assignment, {"first_serial": got.first, "last_serial": got.last,
                                          "handed_out_on": "2026-06-01"}, manager)
        size = got.last - got.first + 1
        # Every third range came back with a few completed forms not keyed yet.
        back = got.returned + (min(size - got.returned, 2 + i % 4) if i % 3 == 0 else 0)
        record_return(rng, {"returned_on": "2026-10-02", "completed": back,
                            "unused": size - back}, manager)


def agencies_of(survey, total: int, year: int) -> list[Agency]:
    """Agencies in scope with their share of ``total`` sheets (by required sample)."""
    data = {a["name"]: a for a in city_data()["agencies"]}
    fields = {f.code: f for f in db.session.scalars(select(Field).order_by(Field.code))}
    required = {}
    for req in requirements(survey):
        required[req.scope.agency] = required.get(req.scope.agency, 0) + (req.required or 0)
    weight = sum(required.values()) or 1
    out = []
    for number, (agency, need) in enumerate(required.items(), 1):
        info = data.get(agency.name, {})
        name = agency.name
        codes = info.get("fields") or sorted(fields)[:3]
        rate = info.get("satisfaction", {}).get(str(year), 0.9)
        out.append(Agency(agency.id, name, number, [fields[c] for c in codes if c in fields],
                          rate, max(3, round(total * need / weight))))
    return out


def _flags(rng: random.Random, n: int, rate: float) -> list[bool]:
    """Exactly round(rate * n) satisfied respondents, in random order."""
    yes = round(rate * n)
    flags = [True] * yes + [False] * (n - yes)
    rng.shuffle(flags)
    return flags


def _survey_day(rng: random.Random, year: int, months: dict) -> date:
    month = rng.choices(list(months), weights=list(months.values()))[0]
    while True:
        day = date(year, month, rng.randint(1, 28))
        if day.weekday() < 5:  # one-stop desks work Monday to Friday
            return day


def _moment(day: date, rng: random.Random, latest: datetime) -> datetime:
    local = datetime.combine(day, time(rng.randint(8, 16), rng.randint(0, 59),
                                       rng.randint(0, 59)))
    return min((local - LOCAL).replace(tzinfo=UTC), latest)


def answers(rng: random.Random, agency: Agency, field: Field, day: date, serial: int,
            satisfied: bool) -> dict:
    """What one respondent wrote on the 2025 Da Nang form, as a keyer types it."""
    procedure = rng.choice(field.procedures).name if field.procedures else ""
    out = {"phone": rng.choice(("09", "08", "03", "07", "05")) + f"{rng.randrange(10 ** 8):08d}",
           "citizen_id": "", "survey_date": day.strftime("%d/%m/%Y"),
           "dossier_code": "", "agency": agency.name, "field": field.name,
           "procedure": procedure, "q01": "yes" if satisfied else "no", "q02": [],
           "q02_other": "", "q03": ""}
    if rng.random() < 0.78:
        out["citizen_id"] = rng.choice(("048", "049")) + f"{rng.randrange(10 ** 9):09d}"
    if not out["citizen_id"] or rng.random() < 0.35:
        out["dossier_code"] = f"H17.{agency.number:02d}-{day:%y%m%d}-{serial % 10000:04d}"
    if not satisfied:
        picked = set()
        for _ in range(rng.choices((1, 2, 3), weights=(55, 33, 12))[0]):
            picked.add(rng.choices(list(REASON_WEIGHTS), weights=list(
                REASON_WEIGHTS.values()))[0])
        out["q02"] = sorted(picked)
        if "other" in picked:
            out["q02_other"] = rng.choice(OTHER_REASONS)
        if rng.random() < 0.35:
            out["q03"] = rng.choice(COMMENTS_CRITICAL)
    elif rng.random() < 0.09:
        out["q03"] = rng.choice(COMMENTS_POLITE)
    return out


def _latest() -> datetime:
    """Before this month: the re-check demo draws from the sheets received this month."""
    now = utcnow()
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0) - timedelta(hours=1)


@dataclass
class Handout:
    """The serials of one agency's sheets: their batch, range, and how many came back."""

    batch: object
    first: int
    last: int
    returned: int


def _print(survey, manager, keyer, agency: Agency, count: int, note: str):
    return print_batch(survey, {"count": count, "assigned_user_id": keyer.id,
                                "agency_id": agency.id, "note": note}, manager)


def _handouts(survey, manager, agencies: list[Agency], keyer_of: dict, spare: float,
              by_enumerator: bool) -> dict[int, Handout]:
    """Print the sheets: one batch per agency (the agency printed on it), handed to its
    enumerator; or, for each enumerator, the batches of their agencies in a row of serials
    that the caller hands out agency by agency (assignments)."""
    out = {}
    if not by_enumerator:
        for a in agencies:
            keyer = keyer_of[a.id]
            batch = _print(survey, manager, keyer, a, a.sheets + int(a.sheets * spare),
                           f"Phiếu phát cho {keyer.name} tại {a.name}")
            out[a.id] = Handout(batch, batch.first_serial, batch.last_serial, a.sheets)
        return out
    for keyer in {id(k): k for k in keyer_of.values()}.values():
        for a in [a for a in agencies if keyer_of[a.id] is keyer]:
            batch = _print(survey, manager, keyer, a, a.sheets + int(a.sheets * spare),
                           f"Phiếu phát cho {keyer.name} tại {a.name}")
            out[a.id] = Handout(batch, batch.first_serial, batch.last_serial, a.sheets)
    return out


def fill_year(survey, total: int, seed: int, manager, keyers: list, months: dict,
              handed: dict | None = None, spare: float = 0.0) -> dict[int, Handout]:
    """Print and add about ``total`` keyed, approved sheets to ``survey``, by agency.

    Without ``handed`` each agency gets a batch handed to one of ``keyers`` in turn; with
    ``handed`` (agency id -> enumerator, the survey's assignments) each enumerator gets one
    batch whose serials the caller hands out per agency.  ``spare`` prints that share of
    extra sheets, which come back unused.  Returns agency id -> Handout.
    """
    rng = random.Random(f"{seed}:{survey.code}")
    latest = _latest()
    agencies = [a for a in agencies_of(survey, total, survey.year) if a.fields]
    keyer_of = {a.id: (handed or {}).get(a.id) or keyers[i % len(keyers)]
                for i, a in enumerate(agencies)}
    handouts = _handouts(survey, manager, agencies, keyer_of, spare, handed is not None)
    for agency in agencies:
        keyer, got = keyer_of[agency.id], handouts[agency.id]
        other = next((k for k in keyers if k.id != keyer.id), keyer)
        sheets = []
        for serial, satisfied in zip(range(got.first, got.first + agency.sheets),
                                     _flags(rng, agency.sheets, agency.rate), strict=True):
            field = rng.choice(agency.fields)
            day = _survey_day(rng, survey.year, months)
            keyed = _moment(day + timedelta(days=rng.randint(1, 6)), rng, latest)
            approved = min(keyed + timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 5)),
                           latest)
            sheets.append(KeyedSheet(serial, answers(rng, agency, field, day, serial, satisfied),
                                     agency.id, field.id, keyer, other, keyed,
                                     max(approved, keyed)))
        insert_approved(survey, got.batch, sheets, manager)
        audit.record(manager, "demo.sheets", got.batch, after={
            "survey": survey.code, "agency": agency.name, "first": got.first,
            "last": got.last, "keyed_and_approved": len(sheets), "seed": seed,
            "note": "Dữ liệu minh hoạ do lệnh fieldwork demo tạo."})
    return handouts

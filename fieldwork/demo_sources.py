"""The demo's other sources for a year: what the city's own mechanisms collected beside the
independent survey (Decision 2223, seed 002, III.1), so that every screen shows them apart.

For DEMO-2025, during its fieldwork (before the report draft is made from the data):

- the city's online survey software: its results file imported (channel ``online``; a few
  of its answers are for dossiers also answered on paper: both kept, listed as an overlap),
  citizens answering on the survey's web page with their phone and citizen ID, and the
  tablets at the one-stop desks (channel ``kiosk``);
- the operations centre's call centre 1022: its results file imported;
- and, inside the independent survey, a few interviews by telephone that the contractor's
  enumerator made and keyed from the entry page as interviews (its ``interview`` channel).

Everything goes through the real operations (``imports.operations.import_results`` by the
manager, ``online.operations.submit_answer`` as the public page and the kiosk call it), so the
counting-once rules, the audit log and the statistics treat them as real answers. Their
satisfaction differs from the independent survey's on purpose (self-completion at the desk
rates higher, the call centre a little lower): the screens must show them side by side, never
pooled into the headline. Drawn from ``random.Random(seed)``: the same seed, the same rows.
"""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from .extensions import db
from .online.demo import raw_answer, submit
from .online.models import OnlineChannel
from .online.operations import newest_approved
from .online.rules import device_hash

# source -> (channel of its export, rows, satisfied share); each file is that source's own.
FILES = {"city_online": ("online", 150, 0.93), "call_centre": ("call_centre", 120, 0.84)}
# Self-completed answers given through fieldwork's own pages: (answers, satisfied share).
PAGES = {OnlineChannel.ONLINE: (30, 0.90), OnlineChannel.KIOSK: (40, 0.95)}
# Dossiers answered both on paper and in the city software (an integrity signal, both kept).
OVERLAPS = 4
# The contractor's own telephone interviews: at this agency, this many, this many satisfied.
INTERVIEWS = ("Sở Tư pháp", 10, 8)


def other_sources(survey, manager, first: date, last: date, seed: int) -> None:
    """Import the city software's and the call centre's results of ``survey`` (answers
    dated ``first``..``last``) and add web and kiosk answers through the public operation."""
    from .imports.demo import results_csv
    from .imports.operations import import_results

    scope = sorted(survey.scope, key=lambda s: s.agency.name)
    names = [s.agency.name for s in scope]
    span = (last - first).days
    for n, (source, (channel, rows, rate)) in enumerate(FILES.items(), 1):
        # The city software knows each answer's dossier: a few were also drawn on paper.
        dossiers = _on_paper(survey, OVERLAPS) if source == "city_online" else None
        data = results_csv(names, rows, seed * 10 + n, last, channel, rate=rate, days=span,
                           dossiers=dossiers)
        import_results(survey, io.BytesIO(data), {
            "name": f"{source}-{survey.code}.csv", "source": source}, manager)
    _page_answers(survey, [s.agency_id for s in scope], first, span, seed)
    _interviews(survey, manager, last, seed)


def _on_paper(survey, count: int) -> list[tuple[str, str]]:
    """(agency, dossier code) of approved paper sheets with a code, one for each of the
    first ``count`` agencies (by serial)."""
    from .entry.models import EntryAnswer, EntrySheet, ReviewState
    found = db.session.execute(
        select(EntrySheet.agency_id, EntryAnswer.values).join(
            EntryAnswer, EntryAnswer.sheet_id == EntrySheet.id).where(
            EntrySheet.survey_id == survey.id,
            EntrySheet.review_state == ReviewState.APPROVED,
            EntryAnswer.question == "dossier_code").order_by(EntrySheet.serial)).all()
    names = {s.agency_id: s.agency.name for s in survey.scope}
    codes: dict[int, tuple[str, str]] = {}
    for agency_id, values in found:
        if values and agency_id in names and len(codes) < count:
            codes.setdefault(agency_id, (names[agency_id], values[0]))
    return list(codes.values())


def _page_answers(survey, agency_ids: list[int], first: date, span: int, seed: int) -> None:
    """Citizens answering on the web page (phone and citizen ID, no dossier code) and on the
    desks' tablets, at office hours on days spread over the fieldwork."""
    version = newest_approved(survey)
    if version is None:
        return
    rng = random.Random(f"{seed}:{survey.code}:pages")
    secret = current_app.config["SECRET_KEY"]
    for channel, (count, rate) in PAGES.items():
        for n in range(count):
            day = first + timedelta(days=rng.randint(0, span))
            at = datetime(day.year, day.month, day.day, rng.randint(1, 9), rng.randint(0, 59),
                          tzinfo=UTC)  # 8:00-16:59 in Vietnam
            agency_id = rng.choice(agency_ids)
            who = {"phone": f"09{rng.randrange(10 ** 8):08d}",
                   "citizen_id": f"0{rng.randrange(10 ** 11):011d}"}
            token = (f"demo-{survey.code}-phone-{n}" if channel == OnlineChannel.ONLINE
                     else f"demo-{survey.code}-kiosk-{agency_id}")
            submit(survey, agency_id, version.number, raw_answer(rng, rate=rate, **who),
                   channel, device_hash(secret, token), at)


def _interviews(survey, manager, day: date, seed: int) -> None:
    """The agency's enumerator phones respondents, keys each call as an interview on a form
    printed for the purpose (a serial range handed out and returned), the manager approves."""
    from .directory.models import Field
    from .entry import operations as entry_ops
    from .entry.models import Stage
    from .entry.serials import resolve
    from .forms.batches import print_batch
    from .plans.demo import assignment_at
    from .plans.operations_fieldwork import hand_out_range, record_return

    name, count, satisfied = INTERVIEWS
    row = next((s for s in survey.scope if s.agency.name == name), None)
    assignment = assignment_at(survey, row.agency_id) if row is not None else None
    if assignment is None:
        return
    caller, agency = assignment.enumerator, row.agency
    batch = print_batch(survey, {"count": count, "assigned_user_id": caller.id,
                                 "agency_id": agency.id,
                                 "note": f"Phiếu ghi phỏng vấn qua điện thoại ({caller.name})"},
                        manager)
    rng_range = hand_out_range(assignment, {"first_serial": batch.first_serial,
                                            "last_serial": batch.last_serial,
                                            "handed_out_on": day.isoformat()}, manager)
    field = db.session.scalar(select(Field).where(Field.name == "Tư pháp, lý lịch tư pháp"))
    rng = random.Random(f"{seed}:{survey.code}:interviews")
    flags = [True] * satisfied + [False] * (count - satisfied)
    rng.shuffle(flags)
    for serial, ok in zip(range(batch.first_serial, batch.last_serial + 1), flags,
                          strict=True):
        typed = {"phone": f"09{rng.randrange(10 ** 8):08d}",
                 "citizen_id": f"048{rng.randrange(10 ** 9):09d}",
                 "survey_date": day.strftime("%d/%m/%Y"), "dossier_code": "",
                 "agency": agency.name, "field": field.name if field else "", "procedure": "",
                 "q01": "yes" if ok else "no", "q02": [] if ok else ["reason_c"],
                 "q02_other": "", "q03": ""}
        identity = (agency.id, field.id if field else None)
        sheet = entry_ops.save_keying(resolve(survey, serial, caller), typed, caller,
                                      confirmed=True, interview=True, identity=identity)
        if sheet.stage == Stage.AWAITING_KEY2:  # drawn for double entry: keyed again
            sheet = entry_ops.save_keying(resolve(survey, serial, manager), typed, manager,
                                          confirmed=True, identity=identity)
        entry_ops.transition(sheet, "approve", manager)
    record_return(rng_range, {"returned_on": day.isoformat(), "completed": count,
                              "unused": 0}, manager)

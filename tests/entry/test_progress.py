"""Fieldwork progress is measured from the sheets in the system, whatever path they took."""

from __future__ import annotations

import pytest

from fieldwork.entry import operations as ops
from fieldwork.entry.models import EntrySheet
from fieldwork.entry.serials import resolve
from fieldwork.entry.sources import sync_from_omr
from fieldwork.errors import OperationError
from fieldwork.forms.batches import print_batch
from fieldwork.forms.models import PrintBatch
from fieldwork.plans import operations_fieldwork as work
from fieldwork.plans.models_workflow import Step, StepState
from fieldwork.plans.progress import progress, sheets_out

from ..plans.helpers import put_in_state
from .conftest import typed
from .test_sources import scanned

FULL = {"phone": list("0912345678"), "citizen_id": list("048123456789"),
        "survey_date": list("12052026"), "q01": ["yes"], "q02": [], "agency": ["x"],
        "field": ["y"]}


def test_serials_belong_to_their_range_else_to_their_batch():
    # Batch 1-20 bound to agency 7 and handed to an enumerator; range 5-9 given to agency 8
    # (a range wins); batch 21-30 printed for agency 7 but still in the office; 31-40 unbound.
    out = sheets_out([(5, 9, 8)], [(1, 20, 7, 1), (21, 30, 7, None), (31, 40, None, None)])
    assert out[8] == {"printed": 5, "handed_out": 5}
    assert out[7] == {"printed": 25, "handed_out": 15}
    assert out[None] == {"printed": 10, "handed_out": 0}


@pytest.fixture()
def field_world(db, factory, survey, people):
    """KEY-1 in step 3: Lan trained and assigned to its agency, batch 1-12 printed for that
    agency and handed to her, serials 1-10 handed out as her range."""
    factory.field("HT", "Hộ tịch")
    agency = survey.scope[0].agency
    m, lan = people["manager"], people["lan"]
    put_in_state(db, survey, Step.FIELDWORK, StepState.TRAINING)
    session = work.add_training_session(survey, {"held_on": "2026-06-01", "place": "P",
                                                 "trainer": "T"}, m)
    work.record_attendance(session, {"user_id": lan.id, "present": "1"}, m)
    assignment = work.add_assignment(survey, {"enumerator_id": lan.id, "agency_id": agency.id,
                                              "quota": "50"}, m)
    print_batch(survey, {"count": 12, "assigned_user_id": lan.id,
                         "assigned_agency_id": agency.id}, m)
    rng = work.hand_out_range(assignment, {"first_serial": "1", "last_serial": "10",
                                           "handed_out_on": "2026-06-02"}, m)
    put_in_state(db, survey, Step.FIELDWORK, StepState.IN_FIELD)
    db.session.commit()
    return {"agency": agency, "range": rng}


def _key(survey, serial: int, user, **changes) -> EntrySheet:
    return ops.save_keying(resolve(survey, serial, user), typed(**changes), user,
                           confirmed=True)


def test_each_path_into_the_system_is_counted(db, survey, people, field_world):
    m, lan = people["manager"], people["lan"]
    one = _key(survey, 1, lan)                       # keyed, then approved
    pb = db.session.get(PrintBatch, one.print_batch_id)
    scanned(db, survey, pb, 2, FULL)                 # scanned only
    _key(survey, 3, lan, q01="yes")                  # keyed, then a scan that agrees
    _key(survey, 4, lan)                             # keyed, then a scan that disagrees
    _key(survey, 11, lan)                            # keyed, from the batch outside the range
    scanned(db, survey, pb, 3, {**FULL, "citizen_id": list("048123456789")})
    scanned(db, survey, pb, 4, {**FULL, "q01": ["no"], "q02": ["reason_b"]})
    assert sync_from_omr(survey, m) == 3
    ops.transition(one, "approve", m)
    db.session.commit()

    items, total = progress(survey)
    p = items[0]
    assert p.agency.id == field_world["agency"].id
    # 12 printed for the agency, all handed out (10 in the range, 2 with the batch).
    assert (p.printed, p.handed_out) == (12, 12)
    assert (p.in_system, p.scanned, p.keyed, p.both) == (5, 3, 4, 2)
    assert p.conflicts == 1                         # serial 4 waits for adjudication
    assert p.verified == 4                          # 1, 2, 3, 11: keying done, no issue
    assert p.approved == 1 and p.returned == 5 and p.returned_typed == 0
    # The approved sheet names the field "Hộ tịch" on paper: it counts for that field.
    assert sum(f.approved for f in p.fields) == 1
    assert total["approved"] == 1 and total["in_system"] == 5

    # Forms handed back from the range: 6 completed counted on paper, 4 of them in the system.
    with pytest.raises(OperationError, match="ít nhất là 4"):
        work.record_return(field_world["range"], {"returned_on": "2026-07-01",
                                                  "completed": "3", "unused": "0"}, m)
    with pytest.raises(OperationError, match="nhiều hơn 10 phiếu"):
        work.record_return(field_world["range"], {"returned_on": "2026-07-01",
                                                  "completed": "8", "unused": "3"}, m)
    work.record_return(field_world["range"], {"returned_on": "2026-07-01", "completed": "6",
                                              "unused": "4"}, m)
    p = progress(survey)[0][0]
    assert (p.returned, p.returned_typed, p.in_system) == (7, 2, 5)
    assert p.approved == 1 and not p.met and p.shortfall == p.required - 1

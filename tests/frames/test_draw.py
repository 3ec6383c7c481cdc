"""Counts N into the plan, allocation over strata, seeded draws, reserves, late-first, redraw."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.errors import OperationError
from fieldwork.frames import draw as d
from fieldwork.frames.models import FrameDossier
from fieldwork.frames.operations_draw import active_draw, apply_counts, make_draw
from fieldwork.plans.progress import requirements

from .conftest import run_import
from .helpers import dossier, frame_csv

LATE_HT = {3, 17, 44}  # three late dossiers among Sở Tư pháp's 60 of field HT


def big_frame() -> list[list[str]]:
    """Sở Tư pháp: 60 HT (3 late) + 40 CT; Sở Y tế: 30 YT."""
    return ([dossier(i, field="HT", late=i in LATE_HT) for i in range(1, 61)]
            + [dossier(i, field="CT") for i in range(61, 101)]
            + [dossier(i, "Sở Y tế", "YT") for i in range(1, 31)])


@pytest.fixture()
def framed(db, setup, factory):
    """FR-1 with the frame imported and a third agency in scope that the frame lacks."""
    from fieldwork.plans.operations import add_scope
    extra = factory.agency("Phường Hải Châu")
    add_scope(setup["survey"], {"agency_id": extra.id, "dossiers": 500}, "test")
    report = run_import(setup, frame_csv(big_frame()))
    assert report.added == 130
    db.session.commit()
    return setup


def required(survey) -> dict[str, int]:
    return {r.scope.agency.name: r.required for r in requirements(survey)}


def test_counts_from_frame_update_the_required_sample(db, framed):
    survey = framed["survey"]
    # typed N = 1000: 1000 / 5.9 = 169.49 -> 169; N = 500: 500 / 3.45 = 144.93 -> 144
    assert required(survey) == {"Sở Tư pháp": 169, "Sở Y tế": 169, "Phường Hải Châu": 144}
    changes = apply_counts(survey, framed["manager"])
    db.session.commit()
    # N = 100: e = 7 %, n = 100 / 1.49 = 67.11 -> 67; N = 30: 30 / 1.147 = 26.15 -> 26
    assert {c["unit"]: (c["before"], c["after"], c["required_before"], c["required_after"])
            for c in changes} == {"Sở Tư pháp": (1000, 100, 169, 67),
                                  "Sở Y tế": (1000, 30, 169, 26)}
    assert required(survey) == {"Sở Tư pháp": 67, "Sở Y tế": 26, "Phường Hải Châu": 144}
    actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert actions.count("survey.scope_update") == 2 and "frames.counts" in actions
    assert apply_counts(survey, framed["manager"]) == []


def test_draw_is_proportional_with_reserves(db, framed):
    survey = framed["survey"]
    apply_counts(survey, framed["manager"])
    draw = make_draw(survey, {"seed": 7}, framed["manager"])
    db.session.commit()
    names = {a.id: a.name for a in framed["agencies"]}
    fields = {f.id: f.code for f in framed["fields"]}
    got = {(names[a["agency_id"]], fields.get(a["field_id"])):
           (a["population"], a["target"], a["drawn"], a["reserves"])
           for a in draw.allocation if a["target"]}
    # 67 over HT 60 / CT 40: 40.2 and 26.8 -> 40 and 27; reserves 20 % rounded up, capped
    assert got == {("Sở Tư pháp", "HT"): (60, 40, 40, 8), ("Sở Tư pháp", "CT"): (40, 27, 27, 6),
                   ("Sở Y tế", "YT"): (30, 26, 26, 4)}
    assert (draw.population, draw.drawn, draw.reserves) == (130, 93, 18)
    items = draw.items
    assert len(items) == 111 and len({i.dossier_id for i in items}) == 111
    for item in items:
        assert item.dossier.agency_id == item.agency_id and item.dossier.field_id == item.field_id
    ht = [i for i in items if fields[i.field_id] == "HT"]
    assert [i.rank for i in ht] == list(range(1, 49))
    assert [i.reserve for i in ht] == [False] * 40 + [True] * 8
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "frames.draw"))
    assert event.after["seed"] == 7 and event.after["drawn"] == 93


def codes(draw):
    return [(i.dossier.code, i.reserve) for i in draw.items]


def test_same_seed_same_draw_and_redraw_needs_reason(db, framed):
    survey, manager = framed["survey"], framed["manager"]
    apply_counts(survey, manager)
    first = make_draw(survey, {"seed": 42}, manager)
    db.session.commit()
    with pytest.raises(OperationError, match="42"):
        make_draw(survey, {"seed": 42}, manager)
    again = make_draw(survey, {"seed": 42, "reason": "Khung cập nhật"}, manager)
    db.session.commit()
    assert codes(again) == codes(first) and again.id != first.id
    assert first.superseded_at is not None and active_draw(survey).id == again.id
    other = make_draw(survey, {"seed": 43, "reason": "Thử hạt giống khác"}, manager)
    assert codes(other) != codes(first)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "frames.redraw")
                              .order_by(AuditEvent.id.desc()))
    assert event.reason == "Thử hạt giống khác" and event.before["seed"] == 42


def test_late_first_takes_every_late_dossier(db, framed):
    survey, manager = framed["survey"], framed["manager"]
    make_draw(survey, {"seed": 1, "size": 13, "late_first": "1"}, manager)
    draw = active_draw(survey)
    sample = [i.dossier for i in draw.items if not i.reserve]
    late = {x.code for x in sample if x.late}
    assert late == {f"HS-TP-{i:05d}" for i in LATE_HT}
    # 13 over 60 / 40 / 30: 6.0, 4.0, 3.0
    assert sorted(a["target"] for a in draw.allocation) == [3, 4, 6]
    total_late = db.session.scalar(select(FrameDossier.id).where(FrameDossier.late).limit(1))
    assert total_late is not None


def test_systematic_and_bad_parameters(db, framed):
    survey, manager = framed["survey"], framed["manager"]
    for bad in ({"seed": "x"}, {"seed": -1}, {"seed": 1, "method": "cluster"},
                {"seed": 1, "size": "0"}, {"seed": 1, "reserve_percent": "500"}):
        with pytest.raises(OperationError):
            make_draw(survey, bad, manager)
    draw = make_draw(survey, {"seed": 5, "method": "systematic", "size": 26,
                              "reserve_percent": 0}, manager)
    assert draw.reserves == 0 and draw.drawn == 26
    with pytest.raises(OperationError):
        make_draw(survey, {"seed": 5}, framed["lan"])


def test_largest_remainder_and_reserves():
    assert d.largest_remainder(67, {"HT": 60, "CT": 40}) == {"HT": 40, "CT": 27}
    assert d.largest_remainder(10, {"a": 5, "b": 3, "c": 2}) == {"a": 5, "b": 3, "c": 2}
    assert d.largest_remainder(7, {"a": 1, "b": 1, "c": 1}) == {"a": 1, "b": 1, "c": 1}
    assert d.largest_remainder(2, {"a": 1, "b": 1, "c": 1}) == {"a": 1, "b": 1, "c": 0}
    assert sum(d.largest_remainder(259, {i: 37 + i for i in range(30)}).values()) == 259
    assert d.reserve_count(40, 60, 20) == 8 and d.reserve_count(26, 30, 20) == 4
    assert d.reserve_count(10, 100, 0) == 0


def test_systematic_picks_are_evenly_spaced():
    units = [d.Unit(i, f"C{i:03d}", ("a",), returned=f"2026-01-{1 + i % 28:02d}")
             for i in range(100)]
    picked = d.draw_stratum(units, 10, 0, d.SYSTEMATIC, seed=3)
    order = sorted(units, key=lambda u: (u.returned, u.code))
    positions = sorted(order.index(u) for u in picked.sample)
    assert [b - a for a, b in zip(positions, positions[1:], strict=False)] == [10] * 9
    again = d.draw_stratum(units, 10, 0, d.SYSTEMATIC, seed=3)
    assert [u.id for u in again.sample] == [u.id for u in picked.sample]

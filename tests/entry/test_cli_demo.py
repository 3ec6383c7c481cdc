"""The entry-sync command and the entry demo."""

from __future__ import annotations

from sqlalchemy import func, select

from fieldwork.entry import demo
from fieldwork.entry.double import error_rates
from fieldwork.entry.models import EntryDifference, EntrySheet, ReviewState, Stage


def test_sync_command(runner, survey):
    res = runner.invoke(args=["entry-sync", "NOPE"])
    assert res.exit_code != 0 and "No survey" in res.output
    res = runner.invoke(args=["entry-sync", survey.code])
    assert res.exit_code == 0 and "0 scanned sheet" in res.output


def test_demo_keys_sheets_with_one_disagreement(db, factory, survey):
    manager = factory.user("manager", email="quanly@demo.vn")
    factory.user("enumerator", email="dtv.lan@demo.vn", name="Nguyễn Thị Lan")
    factory.user("enumerator", email="dtv.hung@demo.vn", name="Trần Văn Hùng")
    demo.field(survey, manager)
    db.session.commit()
    total = db.session.scalar(select(func.count(EntrySheet.id)))
    assert total == sum(demo.SHEETS)
    waiting = db.session.scalars(select(EntrySheet).where(
        EntrySheet.stage == Stage.ADJUDICATION)).all()
    assert len(waiting) == 1
    assert db.session.scalar(select(func.count(EntryDifference.id))) == 2
    rates = {r.name: r for r in error_rates(survey)}
    assert sum(r.errors for r in rates.values()) == 1
    assert sum(r.pending for r in rates.values()) == 2  # one difference, seen by both
    assert db.session.scalar(select(func.count(EntrySheet.id)).where(
        EntrySheet.review_state == ReviewState.APPROVED)) > 5

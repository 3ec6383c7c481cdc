"""`fieldwork demo`: a year of approved sheets in DEMO-2026 and a published DEMO-2025."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.entry.models import EntrySheet, ReviewState, SheetSource
from fieldwork.entry.sources import approved_sheets
from fieldwork.forms.models import PrintBatch
from fieldwork.plans.models import Survey, SurveyStatus
from fieldwork.plans.models_review import Publication
from fieldwork.plans.steps import ensure
from fieldwork.stats import demo
from fieldwork.stats.statistics import survey_statistics

from ..factories import approved_version


def _survey(db, code: str) -> Survey:
    return db.session.scalar(select(Survey).where(Survey.code == code))


def _bulk(db, survey) -> list[EntrySheet]:
    """The sheets the stats demo added: keyed, from its batches (the entry demo's batches,
    keyed in the app, are noted "(nhập liệu)")."""
    entry_demo = set(db.session.scalars(select(PrintBatch.id).where(
        PrintBatch.survey_id == survey.id, PrintBatch.note.like("%(nhập liệu)"))))
    return [s for s in db.session.scalars(approved_sheets(survey))
            if s.source == SheetSource.KEYED and s.print_batch_id not in entry_demo]


def _months(sheets) -> Counter:
    return Counter("".join(s.answer_map()["survey_date"].values)[2:4] for s in sheets)


def test_demo_default_size_fills_a_year_and_publishes_the_previous_one(demo_year_full, db):
    """The real default size, as a user's `fieldwork demo` makes it (the test config uses
    fewer sheets): a copy of the run's full demo (tests/demo_year.py)."""
    assert demo_year_full.steps["demo"]["returncode"] == 0
    now, before = _survey(db, "DEMO-2026"), _survey(db, "DEMO-2025")

    sheets = _bulk(db, now)
    assert len(sheets) >= 2900
    assert {s.agency_id for s in sheets} == {row.agency_id for row in now.scope}
    assert len({s.field_id for s in sheets}) >= 12
    assert len(_months(sheets)) == len(demo.MONTHS_2026)
    assert all(s.review_state == ReviewState.APPROVED and s.approved_by_id for s in sheets)
    stats = survey_statistics(now)
    rated = [a for a in stats["agencies"] if a["rate"] is not None]
    assert sum(a["rate"] < 0.90 for a in rated) >= 3
    assert 1 <= sum(a["rate"] < 0.80 for a in rated) <= 3
    assert sum(0.85 <= a["rate"] <= 0.98 for a in rated) >= len(rated) // 2
    reasons = {r["code"]: r["count"] for r in stats["reasons"]}
    assert reasons["reason_b"] > reasons["reason_e"] and reasons["reason_c"] > reasons["reason_f"]

    assert before.status == SurveyStatus.CLOSED
    assert all(row.done for row in ensure(before).values())
    assert db.session.scalar(select(Publication).where(Publication.survey_id == before.id))
    assert len(_bulk(db, before)) >= 2500
    assert survey_statistics(before)["overall"]["rate"] < stats["overall"]["rate"]


def test_demo_sheets_are_audited_and_the_previous_year_published(demo_year, db):
    from fieldwork.reports.drafts import published_draft
    survey = _survey(db, "DEMO-2026")
    sheets = _bulk(db, survey)
    assert len(sheets) >= demo.TESTING_SHEETS - 30
    batches = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "demo.sheets")).all()
    assert sum(e.after["keyed_and_approved"] for e in batches if e.after["survey"] ==
               survey.code) == len(sheets)
    one = sheets[0]
    trail = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "entry_sheets", AuditEvent.object_id == str(one.id)
    ).order_by(AuditEvent.at)).all()
    assert [e.action for e in trail][-1] == "entry.approve"
    assert trail[0].actor_id == one.enumerator_id and trail[-1].actor.email == "quanly@demo.vn"
    assert len(trail) == (3 if one.double else 2)

    # The previous year is published with its frozen synthesis draft (narrative included).
    before = _survey(db, "DEMO-2025")
    assert before.status == SurveyStatus.CLOSED
    draft = published_draft(before)
    assert draft is not None and "đất đai" in draft.shortcomings
    assert draft.snapshot == survey_statistics(before)["snapshot"]
    publication = db.session.scalar(select(Publication).where(
        Publication.survey_id == before.id))
    # What was published is the issued report: that version's figures, no draft mark, its
    # number, date and recipients.
    from fieldwork.reports.dispatch import issue_of
    issue = issue_of(before)
    assert issue.draft_id == draft.id and publication.attachment_id == issue.pdf_id
    assert {d.kind.value for d in issue.dispatches} >= {"city", "home_affairs", "agency"}


def test_same_seed_same_sheets(db, factory):
    """Same seed, same sheets: the statistics snapshot comes out the same twice."""
    manager, reviewer = factory.user("manager"), factory.user("home_affairs")
    keyers = [factory.user("enumerator"), factory.user("enumerator")]
    survey = factory.survey("SEED-2026", agencies=[factory.agency(), factory.agency()])
    factory.field("A1", "Hộ tịch")
    factory.field("A2", "Chứng thực")
    approved_version(db, survey, {"manager": manager, "reviewer": reviewer}, "danang-2025")
    snapshots = []
    for _ in range(2):
        outer = db.session.begin_nested()
        demo.fill_year(survey, 80, demo.SEED, manager, keyers, demo.MONTHS_2026)
        db.session.flush()
        stats = survey_statistics(survey)
        snapshots.append(stats["snapshot"])
        months = _months(_bulk(db, survey))
        outer.rollback()
    assert snapshots[0] == snapshots[1] and stats["overall"]["n"] == 80
    assert len(months) == len(demo.MONTHS_2026)

"""The demo's published year holds the city's other sources beside the independent survey.

DEMO-2025's online, kiosk and call-centre answers come through the real operations (the
city software's and the 1022 results files imported by the manager, answers on the survey's
web page and the desks' tablets), during its fieldwork; the frozen report draft the public
page shows was made from the same data by the normal draft operation.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.entry.models import EntrySheet, ReviewState, SheetSource
from fieldwork.imports.models import ImportedResponse, ImportRun
from fieldwork.online.models import OnlineResponse
from fieldwork.plans.models import Survey
from fieldwork.stats.statistics import survey_statistics


def _survey(db, code):
    return db.session.scalar(select(Survey).where(Survey.code == code))


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_published_year_has_other_sources_from_real_operations(demo_year, db):
    from fieldwork.reports.drafts import published_draft
    survey = _survey(db, "DEMO-2025")
    runs = db.session.scalars(select(ImportRun).where(ImportRun.survey_id == survey.id)
                              .order_by(ImportRun.id)).all()
    assert [(r.source, r.rows_added, r.rows_rejected) for r in runs] == [
        ("city_online", 150, 0), ("call_centre", 120, 0)]
    assert {r.created_by_label for r in runs} == {"quanly@demo.vn"}
    audited = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "imports.results",
        AuditEvent.object_id.in_([str(r.id) for r in runs]))).all()
    assert sorted(e.after["source"] for e in audited) == ["call_centre", "city_online"]
    dates = db.session.execute(select(func.min(ImportedResponse.response_date), func.max(
        ImportedResponse.response_date)).where(ImportedResponse.survey_id == survey.id)).one()
    assert date(2025, 7, 31) <= dates[0] <= dates[1] <= date(2025, 11, 28)

    answers = db.session.scalars(select(OnlineResponse).where(
        OnlineResponse.survey_id == survey.id)).all()
    by_channel = {c: sum(a.channel.value == c for a in answers) for c in ("online", "kiosk")}
    assert by_channel == {"online": 30, "kiosk": 40}  # none refused by the page's rules
    assert all(a.created_at.year == 2025 for a in answers)
    assert _count(db, AuditEvent, AuditEvent.action == "online.answer",
                  AuditEvent.object_id.in_([str(a.id) for a in answers])) == 70

    # The published draft was made from these data: its frozen sources are the dataset's.
    draft = published_draft(survey)
    live = survey_statistics(survey)
    frozen = draft.statistics
    assert frozen["source"] == "independent" and frozen["overall"] == live["overall"]
    assert set(frozen["sources"]) == {"city_online", "call_centre"}
    for name in frozen["sources"]:
        assert frozen["sources"][name]["overall"] == live["sources"][name]["overall"]
    city = frozen["sources"]["city_online"]
    channels = {c["group"]: c["n"] for c in city["channels"]}
    assert channels == {"online": 180, "kiosk": 40}
    assert city["overall"]["n"] == 220 and frozen["sources"]["call_centre"]["overall"]["n"] == 120
    # Four dossiers answered on paper were answered in the city software too: both answers
    # kept, each counted in its own source, listed as an overlap (an integrity signal).
    crossing = frozen["overlaps"]
    assert crossing["count"] == 4 and [o["dossier"] for o in crossing["rows"]] == [
        o["dossier"] for o in live["overlaps"]["rows"]]
    for item in crossing["rows"]:
        assert [(a["source"], a["dossier"]) for a in item["answers"]] == [
            ("independent", item["dossier"]), ("city_online", item["dossier"])]
    assert len({o["answers"][0]["agency"] for o in crossing["rows"]}) == 4  # four agencies
    assert frozen["duplicates"]["count"] == 0
    # The headline is the paper survey alone; the plan sets no bands.
    assert {c["group"] for c in frozen["channels"]} <= {"paper_omr", "paper_keyed", "interview"}
    assert frozen["overall"]["n"] == sum(c["n"] for c in frozen["channels"])
    # The contractor's own telephone interviews, keyed as such, are in the headline.
    assert {c["group"]: c["n"] for c in frozen["channels"]}["interview"] == 10
    calls = db.session.scalars(select(EntrySheet).where(
        EntrySheet.survey_id == survey.id, EntrySheet.source == SheetSource.INTERVIEW)).all()
    assert len(calls) == 10 and {s.review_state for s in calls} == {ReviewState.APPROVED}
    assert {s.agency.name for s in calls} == {"Sở Tư pháp"}
    keyed = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "entry.key",
        AuditEvent.object_id.in_([str(s.id) for s in calls]))).all()
    assert {e.after["source"] for e in keyed} == {"interview"}
    assert {e.actor_id for e in keyed if e.after["pass"] == 1} == {
        s.enumerator_id for s in calls}
    assert frozen["bands"] is None

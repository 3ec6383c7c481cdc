"""Interviews and calls the contractor's enumerators make are keyed like paper, marked as the
independent survey's ``interview`` channel."""

from __future__ import annotations

from fieldwork.entry import operations as ops
from fieldwork.entry.models import EntrySheet, SheetSource
from fieldwork.stats.dataset import dataset
from fieldwork.stats.filters import Filter
from fieldwork.stats.statistics import survey_statistics

from .conftest import key_sheet, sign_in, typed


def test_an_interview_keyed_on_the_page_counts_in_the_independent_survey(client, db, survey,
                                                                           batch, people):
    sign_in(client, people["lan"])
    res = key_sheet(client, survey, 1, typed(), interview="y")
    assert res.status_code == 302, res.get_data(as_text=True)[:500]
    # Another respondent: a generic sheet asks no dossier code, so phone and ID tell them apart.
    res = key_sheet(client, survey, 2, typed(q01="no", q02=["reason_b"],
                                             phone="0912 345 679", citizen_id="048123456780"))
    assert res.status_code == 302
    sheets = {s.serial: s for s in db.session.query(EntrySheet).filter_by(survey_id=survey.id)}
    assert sheets[1].source == SheetSource.INTERVIEW and sheets[2].source == SheetSource.KEYED
    for s in sheets.values():
        ops.transition(s, "approve", people["manager"])
    db.session.commit()
    rows = {r["serial"]: r for r in dataset(survey).rows}
    assert (rows[1]["source"], rows[1]["channel"]) == ("independent", "interview")
    assert (rows[2]["source"], rows[2]["channel"]) == ("independent", "paper_keyed")
    stats = survey_statistics(survey)
    assert {c["group"]: c["n"] for c in stats["channels"]} == {"interview": 1, "paper_keyed": 1}
    only = survey_statistics(survey, Filter(channels=("interview",)))
    assert only["source"] == "independent" and only["overall"]["n"] == 1


def test_the_same_dossier_on_paper_and_by_interview_counts_once_in_the_independent_survey(
        client, db, survey, batch, people):
    sign_in(client, people["lan"])
    assert key_sheet(client, survey, 1, typed(), interview="y").status_code == 302
    assert key_sheet(client, survey, 2, typed(survey_date="10/05/2026")).status_code == 302
    for s in db.session.query(EntrySheet).filter_by(survey_id=survey.id):
        ops.transition(s, "approve", people["manager"])
    db.session.commit()
    stats = survey_statistics(survey)
    # One source: the earlier answer (the paper of 10/05) counts, the interview is listed.
    assert stats["overall"]["n"] == 1 and stats["duplicates"]["count"] == 1
    (later,) = stats["duplicates"]["rows"]
    assert later["channel"] == "interview" and later["counted_as"]["serial"] == 2

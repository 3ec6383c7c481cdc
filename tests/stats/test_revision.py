"""The cached statistics follow the data (issue 18): every kind of change the figures depend
on raises the survey's data revision in its own transaction, so the next view recomputes;
a change the figures do not depend on keeps the cached summary."""

from __future__ import annotations

import io

from sqlalchemy import select

from fieldwork.entry.models import EntryAnswer, ReviewState
from fieldwork.imports.operations import import_results
from fieldwork.online.models import OnlineChannel
from fieldwork.online.operations import submit_answer
from fieldwork.plans.models import SurveyStatus
from fieldwork.plans.operations import set_bands
from fieldwork.stats.operations import declare_source
from fieldwork.stats.revision import current
from fieldwork.stats.statistics import survey_statistics

from ..imports.helpers import rows_csv
from ..online.conftest import DEVICE, answer
from ..quality.conftest import add_sheet
from .test_sources import city  # noqa: F401  (the fixture)


def test_each_kind_of_change_invalidates_the_cached_statistics(city, db, factory):  # noqa: F811
    survey = city.survey
    survey.status = SurveyStatus.ACTIVE  # taking online answers
    manager, lan = factory.user("manager"), factory.user("enumerator")
    db.session.commit()
    seen = [survey_statistics(survey)]
    revisions = [current(survey.id)]
    assert survey_statistics(survey) is not None and current(survey.id) == revisions[0]

    def after(change) -> dict:
        change()
        db.session.commit()
        revisions.append(current(survey.id))
        assert revisions[-1] > revisions[-2], change.__name__
        seen.append(survey_statistics(survey))
        return seen[-1]

    # A sheet keyed but not approved changes no figure: same revision, same summary.
    sheet = add_sheet(db, survey, 90_001, agency=city.yt, enumerator=lan, phone=None,
                      cid=None, state=ReviewState.RECEIVED, answers={"q01": ["no"]})
    db.session.commit()
    assert current(survey.id) == revisions[0]
    assert survey_statistics(survey)["overall"] == seen[0]["overall"]

    def approve():
        sheet.review_state = ReviewState.APPROVED
    assert after(approve)["overall"]["n"] == seen[0]["overall"]["n"] + 1

    def edit():
        answer_row = db.session.scalar(select(EntryAnswer).where(
            EntryAnswer.sheet_id == sheet.id, EntryAnswer.question == "q01"))
        answer_row.values = ["yes"]
    satisfied = seen[-1]["overall"]["satisfied"]
    assert after(edit)["overall"]["satisfied"] == satisfied + 1

    def imported():
        data = rows_csv([["R1", "Sở Y tế", "02/03/2026", "Hài lòng", "", ""]])
        import_results(survey, io.BytesIO(data), {"name": "cc.csv", "source": "call_centre"},
                       manager)
    assert after(imported)["sources"]["call_centre"]["overall"]["n"] == 1

    def online():
        submit_answer(survey, city.yt.id, survey.version.number,
                      answer(dossier_code="", phone="0905123456", citizen_id="048090001234"),
                      OnlineChannel.KIOSK, DEVICE)
    assert after(online)["sources"]["city_online"]["overall"]["n"] == 801

    def bands():
        set_bands(survey, {"bands": "80", "bands_source": "theo Kế hoạch"}, "test")
    assert after(bands)["bands"]["values"] == [0.8]

    def declared():
        declare_source(survey, {"name": "sipas_2026", "label": "SIPAS 2026"}, manager)
    assert "sipas_2026" in after(declared)["sources"]

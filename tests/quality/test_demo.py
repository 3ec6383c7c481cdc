"""`fieldwork demo` brings imported online / call-centre results and a re-check draw."""

from __future__ import annotations

from sqlalchemy import func, select

from fieldwork.imports.models import Channel, ImportedResponse, ImportRun
from fieldwork.plans.models import Survey
from fieldwork.quality.models import Outcome, RecheckDraw


def test_demo_imports_results_and_draws_a_recheck(demo_year, db):
    survey = db.session.scalar(select(Survey).where(Survey.code == "DEMO-2026"))
    per_channel = dict(db.session.execute(
        select(ImportedResponse.channel, func.count()).where(
            ImportedResponse.survey_id == survey.id).group_by(ImportedResponse.channel)).all())
    assert per_channel == {Channel.ONLINE: 160, Channel.CALL_CENTRE: 120}
    assert db.session.scalar(select(func.count()).select_from(ImportRun).where(
        ImportRun.survey_id == survey.id)) == 2
    draw = db.session.scalar(select(RecheckDraw).where(RecheckDraw.survey_id == survey.id))
    assert draw.items and any(i.outcome != Outcome.PENDING for i in draw.items)

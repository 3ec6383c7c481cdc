"""Step 4's gate, per agency: its approved independent sheets against its required sample
(or a written explanation), and a draft of its results (or a written reason)."""

from __future__ import annotations

import pytest

from fieldwork.entry import operations as ops
from fieldwork.entry.serials import resolve
from fieldwork.errors import OperationError
from fieldwork.forms.batches import print_batch
from fieldwork.plans import operations_fieldwork as work
from fieldwork.plans import operations_steps, workflow
from fieldwork.plans.models_workflow import Step, StepState
from fieldwork.plans.progress import progress

from ..plans.helpers import put_in_state
from .conftest import approve, typed


@pytest.fixture()
def two(db, factory, people):
    """GATE-1: Sở A with 3 dossiers (n = 2) and two approved keyed sheets; Sở B with 1,000
    dossiers (n = 169) and none; step 4 under way."""
    a, b = factory.agency("Sở A"), factory.agency("Sở B")
    survey = factory.survey("GATE-1", agencies=[a, b])
    survey.scope[0].dossiers = 3
    approve(db, survey, people)
    print_batch(survey, {"count": 2, "assigned_user_id": people["lan"].id,
                         "assigned_agency_id": a.id}, people["manager"])
    for serial in (1, 2):
        sheet = ops.save_keying(resolve(survey, serial, people["lan"]), typed(), people["lan"],
                                confirmed=True)
        ops.transition(sheet, "approve", people["manager"])
    put_in_state(db, survey, Step.PROCESSING, StepState.PROCESSING)
    db.session.commit()
    return {"survey": survey, "a": a, "b": b}


def _reasons(survey) -> list[str]:
    t = workflow.find(Step.PROCESSING, "complete_drafts", StepState.PROCESSING)
    return workflow.reasons(t, survey)


def test_the_gate_names_what_each_agency_lacks(db, two, people):
    survey, m = two["survey"], people["manager"]
    items = {p.agency.name: p for p in progress(survey)[0]}
    assert (items["Sở A"].required, items["Sở A"].approved, items["Sở A"].met) == (2, 2, True)
    assert (items["Sở B"].required, items["Sở B"].approved) == (169, 0)
    reasons = _reasons(survey)
    text = " ".join(reasons)
    assert "Sở B (đã duyệt 0/169 phiếu)" in text and "Sở A (" not in text
    assert "dự thảo báo cáo tổng hợp" in text
    assert "Chưa có dự thảo kết quả và chưa có giải trình bằng văn bản: Sở A, Sở B." in text
    with pytest.raises(OperationError, match="Sở B"):
        operations_steps.transition(survey, {"step": 4, "name": "complete_drafts"}, m)

    from fieldwork.reports.drafts import create_draft
    create_draft(survey, m)                 # the synthesis, from the reports package
    create_draft(survey, m, agency=two["a"])  # and Sở A's own results
    db.session.commit()
    text = " ".join(_reasons(survey))
    assert "tổng hợp" not in text and "Sở A" not in text and "Sở B" in text

    work.explain_shortfalls(survey, {f"note_{survey.scope[1].id}": "Sở B sáp nhập giữa năm.",
                                     f"draft_note_{two['b'].id}": "Kết quả nằm trong phụ lục "
                                                                  "báo cáo tổng hợp."}, m)
    assert _reasons(survey) == []
    operations_steps.transition(survey, {"step": 4, "name": "complete_drafts"}, m)
    from fieldwork.plans.steps import ensure
    assert ensure(survey)[Step.PROCESSING].state == StepState.DRAFTED


def test_a_check_registered_by_a_feature_joins_the_gate(db, two, people):
    from fieldwork.plans import registry
    registry.register_check(Step.PROCESSING, "complete_drafts", "test.always",
                            lambda s: [f"{s.code}: thiếu chữ ký"])
    try:
        assert "GATE-1: thiếu chữ ký" in _reasons(two["survey"])
        assert [c.name for c in registry.checks(Step.PROCESSING, "complete_drafts")][-1] == \
            "test.always"
    finally:
        registry._checks.pop("test.always")
    assert "GATE-1: thiếu chữ ký" not in _reasons(two["survey"])


def test_step_4_the_dashboard_and_the_report_show_the_same_figures(db, two, people, client):
    """One truth per figure: the three call ``plans.progress.progress``."""
    import re

    from fieldwork.reports.content import build_content
    from fieldwork.reports.operations import _header, report_statistics

    from ..conftest import login
    from ..factories import PASSWORD

    survey = two["survey"]
    stats, population = report_statistics(survey)
    report = {a["agency"]: (a["required"], a["approved"]) for a in stats["fieldwork"]["agencies"]}
    assert report == {"Sở A": (2, 2), "Sở B": (169, 0)}
    assert (stats["fieldwork"]["approved"], stats["fieldwork"]["required"]) == (2, 171)
    agency_stats, _ = report_statistics(survey, agency=two["a"])
    assert [a["agency"] for a in agency_stats["fieldwork"]["agencies"]] == ["Sở A"]

    login(client, people["manager"].email, PASSWORD)
    page = client.get(f"/surveys/{survey.code}/step/4").get_data(as_text=True)
    for name, (required, approved) in report.items():
        row = re.search(rf'data-agency="{name}">(.*?)</tr>', page, re.S).group(1)
        assert f'approved">{approved}<' in row and f">{required}<" in row
    dash = client.get(f"/surveys/{survey.code}").get_data(as_text=True)
    assert "2/171" in dash  # "đã duyệt 2/171 phiếu yêu cầu"

    with client.application.test_request_context("/"):
        content = build_content(stats, _header(survey, population))
    method = next(s for s in content.sections if s.heading.startswith("PHƯƠNG PHÁP"))
    table = next(b for b in method.blocks if hasattr(b, "rows"))
    assert table.rows[1][1:4] == ["Sở A", "2", "2"] and table.rows[2][1:4] == ["Sở B", "169",
                                                                                 "0"]

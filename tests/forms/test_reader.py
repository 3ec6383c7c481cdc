"""The questionnaire page for approvers: questions and options as the respondent reads them,
conditions in words, the printed form one click away; codes and rule syntax only on the
technical tab; the options' heading is the forms catalogue's, not statistics' "Số ý kiến"."""

from __future__ import annotations

import re

from markupsafe import escape

from fieldwork.forms import operations as ops

from ..conftest import login
from ..factories import PASSWORD


def _panes(html: str) -> tuple[str, str]:
    reader = html[html.index('id="reader"'):html.index('id="technical"')]
    technical = html[html.index('id="technical"'):]
    return reader, technical


def test_home_affairs_reads_the_submitted_version_as_the_respondent(client, db, survey,
                                                                    people):
    manager, reviewer = people
    v = ops.create_from_template(survey, "danang-2025", manager)
    ops.transition(v, "submit", manager)
    db.session.commit()
    login(client, reviewer.email, PASSWORD)
    html = client.get(f"/surveys/{survey.code}/questionnaire/v{v.number}").get_data(
        as_text=True)
    reader, technical = _panes(html)
    numbers = {q.code: i for i, q in enumerate(v.questionnaire.questions(), 1)}
    for q in v.questionnaire.questions():
        assert f"Câu {numbers[q.code]}.</strong> {q.text}" in reader
        for o in q.options:
            assert o.label in reader
        # No code and no rule syntax where the respondent's reading is shown.
        assert f"<code>{q.code}</code>" not in reader and f"<code>{q.code}</code>" in technical
        if q.relevant:
            rule = str(escape(q.relevant))
            assert rule not in reader and q.relevant not in reader and rule in technical
            assert re.search(r"Chỉ hỏi khi câu \d+ (có )?(không )?chọn “[^”]+”", reader)
    assert "Chỉ hỏi khi câu 8 chọn “Chưa hài lòng”" in reader  # the 2025 form's question 9
    assert f'/questionnaire/v{v.number}/preview' in reader or "view-printed" in reader
    assert "Số ý kiến" not in html and "Phương án trả lời" in technical
    # And the approval is right there.
    assert f"/v{v.number}/transition/approve" in html


def test_the_approver_starts_on_the_reading_the_editor_on_the_codes(client, db, survey,
                                                                   people):
    manager, reviewer = people
    v = ops.create_from_template(survey, "danang-2025", manager)
    db.session.commit()
    login(client, manager.email, PASSWORD)
    html = client.get(f"/surveys/{survey.code}/questionnaire/v{v.number}").get_data(
        as_text=True)
    assert 'show active pt-2" id="technical"' in html  # a draft being edited: codes first
    ops.transition(v, "submit", manager)
    db.session.commit()
    html = client.get(f"/surveys/{survey.code}/questionnaire/v{v.number}").get_data(
        as_text=True)
    assert 'show active pt-3" id="reader"' in html

"""Fixtures for questionnaire tests: a survey with an approved 2025 version."""

from __future__ import annotations

import pytest

from fieldwork.forms import operations as ops


@pytest.fixture()
def people(factory):
    """A manager and a Home Affairs reviewer."""
    return factory.user("manager"), factory.user("home_affairs")


@pytest.fixture()
def survey(factory):
    """A survey with two agencies in scope."""
    return factory.survey("FORM-1", agencies=[factory.agency(), factory.agency()])


@pytest.fixture()
def approved(db, survey, people):
    """Version 1 of the 2025 template, submitted and approved."""
    manager, reviewer = people
    v = ops.create_from_template(survey, "danang-2025", manager)
    ops.transition(v, "submit", manager)
    ops.transition(v, "approve", reviewer, "Đồng ý")
    db.session.commit()
    return v

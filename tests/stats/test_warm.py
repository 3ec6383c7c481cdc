"""After a change the statistics are made again in the background, so the next view finds
them (issue 18): an approved sheet committed, the warmer computes once the changes pause, and
the page's next view computes nothing; a burst of changes makes one computation.

The test's session and the warmer's share the test's one connection (it rolls back at the
end), so warming is turned on only once the data are built, and the test waits for the
warmer before it touches the database again."""

from __future__ import annotations

import time

import pytest

from fieldwork.stats import statistics, warm
from fieldwork.stats.revision import current
from fieldwork.stats.statistics import survey_statistics

from ..entry.conftest import sign_in
from ..quality.conftest import add_sheet
from .test_dataset import build


class Warming:
    """Turns warming on (with its pause) and counts the computations."""

    def __init__(self, app, monkeypatch) -> None:
        self.app, self.monkeypatch, self.computed = app, monkeypatch, []
        real = statistics.compute
        monkeypatch.setattr(statistics, "compute",
                            lambda *a, **k: self.computed.append(a[0].id) or real(*a, **k))

    def on(self, delay: float) -> None:
        self.monkeypatch.setitem(self.app.config, "STATS_WARM", True)
        self.monkeypatch.setitem(self.app.config, "STATS_WARM_DELAY", delay)


@pytest.fixture()
def warming(app, monkeypatch):
    yield Warming(app, monkeypatch)
    assert warm.WARMER.idle(60)


def test_the_next_view_after_an_approval_finds_its_statistics_made(client, db, factory,
                                                                    warming):
    d = build(db, factory)
    db.session.commit()
    sign_in(client, d.manager)
    assert client.get("/stats/ST-1").status_code == 200  # someone looks at its figures
    revision = current(d.survey.id)
    warming.computed.clear()
    warming.on(0.2)
    with warming.app.test_request_context("/entry"):  # an approval is a request
        add_sheet(db, d.survey, 99, agency=d.a, enumerator=d.lan,
                  answers={"q01": ["no"], "q02": ["reason_g"]})
        db.session.commit()
    assert warm.WARMER.idle(60)
    assert current(d.survey.id) > revision
    assert warming.computed == [d.survey.id]  # made in the background, once
    assert client.get("/stats/ST-1").status_code == 200
    assert warming.computed == [d.survey.id]  # the view computed nothing
    stats = survey_statistics(d.survey)
    assert stats["revision"] == current(d.survey.id) and stats["overall"]["sheets"] >= 1


def test_a_burst_of_changes_makes_one_computation(db, factory, warming):
    d = build(db, factory)
    db.session.commit()
    survey_statistics(d.survey)  # read lately
    warming.computed.clear()
    warming.on(3.0)  # longer than the burst takes
    for serial in range(101, 106):
        with warming.app.test_request_context("/entry"):
            add_sheet(db, d.survey, serial, agency=d.a, enumerator=d.lan,
                      answers={"q01": ["yes"]})
            db.session.commit()
    assert warm.WARMER.idle(60)
    assert warming.computed == [d.survey.id]


def test_a_command_warms_nothing(db, factory, warming):
    """``fieldwork demo`` or an import from the shell commits in the main thread without a
    request: no page is served by that process, so nothing is computed."""
    d = build(db, factory)
    db.session.commit()
    survey_statistics(d.survey)
    warming.computed.clear()
    warming.on(0.0)
    add_sheet(db, d.survey, 120, agency=d.a, enumerator=d.lan, answers={"q01": ["yes"]})
    db.session.commit()
    assert warm.WARMER.idle(60) and warming.computed == []


def test_a_survey_nobody_looked_at_is_not_warmed(db, factory, warming):
    d = build(db, factory)
    db.session.commit()
    warming.on(0.0)
    with warming.app.test_request_context("/entry"):
        add_sheet(db, d.survey, 121, agency=d.a, enumerator=d.lan, answers={"q01": ["yes"]})
        db.session.commit()
    assert warm.WARMER.idle(60) and warming.computed == []


def test_a_survey_waits_for_a_pause_as_long_as_its_last_warm_up(app, monkeypatch):
    """A year that took 30 s to make is not made again after the usual short pause: of two
    surveys changed 5 s and 1 s ago, the one whose warm-up is quick goes first, the other
    still waits."""
    monkeypatch.setitem(app.config, "STATS_WARM_DELAY", 0.0)
    warmer = warm.Warmer()
    warmer.app = app
    warmer.took[7] = 30.0
    now = time.monotonic()
    warmer.pending = {7: now - 5.0, 8: now - 1.0}
    assert warmer._next() == 8
    assert list(warmer.pending) == [7]


def test_warming_is_on_outside_tests_unless_turned_off(app, monkeypatch):
    assert not warm.enabled(app)
    monkeypatch.setitem(app.config, "STATS_WARM", True)
    assert warm.enabled(app)
    monkeypatch.setitem(app.config, "STATS_WARM", None)
    monkeypatch.setattr(app, "testing", False)
    monkeypatch.delenv("FIELDWORK_STATS_WARM", raising=False)
    monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI", "postgresql://h/db")
    assert warm.enabled(app)
    monkeypatch.setenv("FIELDWORK_STATS_WARM", "0")
    assert not warm.enabled(app)
    monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI", "sqlite:///x.db")
    assert not warm.enabled(app)
    monkeypatch.delenv("FIELDWORK_STATS_WARM")
    # The embedded database runs in WAL mode: the warmer's read holds no writer back.
    assert warm.enabled(app)
    for memory in ("sqlite://", "sqlite:///:memory:"):  # one database per connection
        monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI", memory)
        assert not warm.enabled(app)
        monkeypatch.setenv("FIELDWORK_STATS_WARM", "1")
        assert warm.enabled(app)
        monkeypatch.delenv("FIELDWORK_STATS_WARM")

"""Statistics made again in the background after a change, so the next view finds them.

Every approval, edit, import or online answer raises its survey's data revision
(``revision``), and the next view of the statistics then reads the year again (5 s at
50,000 sheets). When a transaction that raised revisions commits, its surveys go to this
process's warmer: a thread that, once the changes have paused for ``STATS_WARM_DELAY``
seconds (a burst of approvals makes one computation), computes each survey's default view
into the summary cache (``statistics.survey_statistics``, the function the pages call).
Only surveys this process has read lately are warmed (someone looks at them), and a survey
waits for a pause at least as long as its last warm-up took.

The cache is per process, so the warmer runs in the web process that saw the change (a
request, or a job of its embedded pool): a job on a ``fieldwork worker``'s queue would warm
that worker's cache, not the one the next page view reads; a command serves no page.
On by default outside tests, with PostgreSQL and with an SQLite file (see ``enabled``);
``STATS_WARM`` (environment ``FIELDWORK_STATS_WARM``) turns it off or on; tests leave it off
unless they ask.
"""

from __future__ import annotations

import logging
import os
import threading
import time

log = logging.getLogger(__name__)
DELAY = 2.0  # seconds without a further change before the statistics are made again


def enabled(app) -> bool:
    """Whether this app warms statistics after changes: by default outside tests, on
    PostgreSQL and on an SQLite file. SQLite is opened with a write-ahead log
    (``fieldwork._sqlite_pragmas``), so the warmer's long read does not hold a keyer's commit
    back; an in-memory SQLite database (one per connection) is never warmed by default."""
    setting = app.config.get("STATS_WARM")
    if setting is None:
        flag = os.environ.get("FIELDWORK_STATS_WARM", "").strip().lower()
        if flag:
            setting = flag not in ("0", "false", "no", "off")
        else:
            uri = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
            on_file = uri.startswith("sqlite") and ":memory:" not in uri and \
                uri.rstrip("/") != "sqlite:"
            setting = not app.testing and (uri.startswith("postgresql") or on_file)
    return bool(setting)


class Warmer:
    """One thread per process; surveys asked for while it waits or works are taken once."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.pending: dict[int, float] = {}  # survey id -> when it last changed
        self.thread: threading.Thread | None = None
        self.app = None
        self.busy = False  # making statistics now
        self.made = 0  # computations done (tests, logs)
        self.took: dict[int, float] = {}  # survey id -> seconds its last warm-up took

    def ask(self, app, survey_ids) -> None:
        """Make the statistics of ``survey_ids`` again once their changes pause."""
        now = time.monotonic()
        with self.lock:
            self.app = app
            for sid in survey_ids:
                self.pending[sid] = now
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="stats-warmer",
                                               daemon=True)
                self.thread.start()
            self.lock.notify_all()

    def _next(self) -> int | None:
        """The survey whose changes have paused longest (waits for one); None when idle."""
        with self.lock:
            while True:
                if not self.pending:
                    if not self.lock.wait(timeout=60):
                        if not self.pending:
                            self.thread = None
                            return None
                    continue
                delay = float(self.app.config.get("STATS_WARM_DELAY", DELAY))
                # A survey waits for a pause as long as its last warm-up took, so a long
                # year under steady approvals is not made again and again in the background.
                sid, since = min(self.pending.items(),
                                 key=lambda kv: kv[1] + max(delay, self.took.get(kv[0], 0)))
                left = since + max(delay, self.took.get(sid, 0.0)) - time.monotonic()
                if left <= 0:
                    del self.pending[sid]
                    self.busy = True
                    return sid
                self.lock.wait(timeout=left)

    def _run(self) -> None:
        while True:
            sid = self._next()
            if sid is None:
                return
            start = time.monotonic()
            try:
                self._make(sid)
                self.took[sid] = time.monotonic() - start
            except Exception:  # a failed warm-up costs only the next view's wait
                log.exception("warming the statistics of survey %s failed", sid)
            finally:
                with self.lock:
                    self.busy = False
                    self.lock.notify_all()

    def _make(self, survey_id: int) -> None:
        from ..extensions import db
        from ..plans.models import Survey
        from .statistics import survey_statistics
        with self.app.app_context():
            try:
                survey = db.session.get(Survey, survey_id)
                if survey is not None:
                    survey_statistics(survey)
                    self.made += 1
            finally:
                db.session.rollback()
                db.session.remove()

    def idle(self, timeout: float = 60.0) -> bool:
        """Wait until nothing is pending or being made (tests); True if so in time."""
        end = time.monotonic() + timeout
        with self.lock:
            while self.pending or self.busy:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self.lock.wait(timeout=min(left, 0.1))
        return True


WARMER = Warmer()


def changed(survey_ids) -> None:
    """Called once a transaction that raised these surveys' revisions has committed: in a
    request, or in a job run by a thread of the web process (the embedded pool), the
    process's next view is the one to spare. A command (``fieldwork demo``, an import from
    the shell) or a job in a ``fieldwork worker`` process serves no page: nothing is warmed
    there."""
    from flask import current_app, has_app_context, has_request_context
    if not has_app_context():
        return
    if not has_request_context() and threading.current_thread() is threading.main_thread():
        return
    app = current_app._get_current_object()
    ids = {s for s in survey_ids if isinstance(s, int)} & recently_read()
    if ids and enabled(app):
        WARMER.ask(app, ids)


def recently_read() -> set[int]:
    """Surveys whose rows this process read lately (``dataset.RECENT_ROWS``): someone looks
    at their figures; the others are left for the view that asks."""
    from .dataset import RECENT_ROWS
    with RECENT_ROWS.lock:
        return {key[0] for key in RECENT_ROWS.items}

"""What is waiting on a user: the work queues every feature registered (``fieldwork.queues``).

Nothing is stored: each queue counts its work when asked. The survey dashboard shows the
survey's lines, the waiting list and the start page all of them, by role.
"""

from __future__ import annotations

from ..queues import Waiting, waiting


def waiting_on(user, surveys: list | None = None) -> list[Waiting]:
    """The user's work (of ``surveys`` only, if given), by role, queue and survey."""
    found = waiting(user)
    if surveys is None:
        return found
    ids = {s.id for s in surveys}
    return [w for w in found if w.survey is not None and w.survey.id in ids]

"""The review transition table of a sheet: (name, from states, to state, who, reason, guard).

The sheet page draws its buttons from it, ``operations.transition`` enforces it, and the
tests are parametrized over its rows.  Editing answers is the ``edit`` row: it is done by
``operations.edit_answers`` (never a bare button) and needs a reason once a sheet is
approved.  A guard returns the reasons a transition cannot happen yet (empty when it may).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..auth.roles import RoleName
from .models import EntrySheet, Stage
from .models import ReviewState as R

REVIEWERS = (RoleName.MANAGER,)
KEYERS = (RoleName.ENUMERATOR, RoleName.MANAGER)


def keying_done(sheet: EntrySheet) -> list[str]:
    """Both keyings are in and every difference is adjudicated."""
    if sheet.stage == Stage.AWAITING_KEY2:
        return [_("The sheet is waiting for its second keying.")]
    if sheet.stage == Stage.ADJUDICATION or any(not d.resolved for d in sheet.differences):
        return [_("The two keyings disagree; adjudicate the differences first.")]
    return []


def _none(sheet: EntrySheet) -> list[str]:
    return []


@dataclass(frozen=True)
class Transition:
    """One allowed change of review state."""

    name: str
    sources: tuple[R, ...]
    target: R
    label: object
    roles: tuple[RoleName, ...] = REVIEWERS
    reason: bool = False  # a reason is required
    guard: Callable[[EntrySheet], list[str]] = _none
    button: bool = True  # drawn as a button on the sheet page

    def reason_required(self, sheet: EntrySheet) -> bool:
        """Edits need a reason once the sheet is approved; other rows say so themselves."""
        return self.reason or (self.name == "edit" and sheet.review_state == R.APPROVED)


TRANSITIONS: tuple[Transition, ...] = (
    Transition("approve", (R.RECEIVED, R.HAS_ISSUES, R.EDITED), R.APPROVED, _l("Approve"),
               guard=keying_done),
    Transition("flag", (R.RECEIVED, R.EDITED, R.APPROVED), R.HAS_ISSUES,
               _l("Mark as having issues"), reason=True),
    Transition("reject", (R.RECEIVED, R.HAS_ISSUES, R.EDITED, R.APPROVED), R.REJECTED,
               _l("Reject"), reason=True),
    Transition("reopen", (R.REJECTED,), R.RECEIVED, _l("Reopen"), reason=True),
    Transition("edit", (R.RECEIVED, R.HAS_ISSUES, R.EDITED, R.APPROVED), R.EDITED,
               _l("Edit answers"), button=False),
)
BY_NAME = {t.name: t for t in TRANSITIONS}


def find(name: str) -> Transition | None:
    """The transition called ``name``, or None."""
    return BY_NAME.get(name)


def next_roles(state: R) -> tuple[RoleName, ...]:
    """Who may move a sheet on from ``state``: the roles of every row leaving it."""
    roles: list[RoleName] = []
    for t in TRANSITIONS:
        if state in t.sources:
            roles += [r for r in t.roles if r not in roles]
    return tuple(roles)


def available(sheet: EntrySheet, user) -> list[Transition]:
    """Button transitions ``user`` may start from the sheet's current state."""
    return [t for t in TRANSITIONS if t.button and sheet.review_state in t.sources
            and user.has_role(*t.roles)]


def blockers(t: Transition, sheet: EntrySheet, user) -> list[str]:
    """Why ``t`` cannot happen now (empty when it may)."""
    if sheet.review_state not in t.sources:
        return [_("A sheet that is “%(state)s” cannot be changed this way.",
                  state=sheet.state_label)]
    if not user.has_role(*t.roles):
        return [_("Your role does not allow this change.")]
    return t.guard(sheet)

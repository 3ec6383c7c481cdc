"""The questionnaire-version transition table, read by the UI, the operations and the tests."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..auth.roles import RoleName
from .models import VersionStatus as S


@dataclass(frozen=True)
class Transition:
    """From one status to another, by holders of ``roles``; ``comment`` required or not."""

    name: str
    source: S
    target: S
    roles: tuple[RoleName, ...]
    label: object
    needs_comment: bool = False
    style: str = "primary"
    # An optional move (withdrawing) does not make the version wait on its roles.
    optional: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", S.DRAFT, S.SUBMITTED, (RoleName.MANAGER,),
               _l("Submit to Home Affairs")),
    Transition("submit", S.RETURNED, S.SUBMITTED, (RoleName.MANAGER,),
               _l("Submit to Home Affairs")),
    Transition("withdraw", S.SUBMITTED, S.DRAFT, (RoleName.MANAGER,),
               _l("Withdraw submission"), style="outline-secondary", optional=True),
    Transition("approve", S.SUBMITTED, S.APPROVED, (RoleName.HOME_AFFAIRS,),
               _l("Approve"), style="success"),
    Transition("return", S.SUBMITTED, S.RETURNED, (RoleName.HOME_AFFAIRS,),
               _l("Return with comments"), needs_comment=True, style="warning"),
)


# Who carries on once a version leaves the table: after approval the manager continues step 2
# (closing the consultation, the pilot, finalising).
AFTER = {S.APPROVED: (RoleName.MANAGER,)}


def next_roles(status: S) -> tuple[RoleName, ...]:
    """Who acts next on a version in ``status``: the roles of its non-optional transitions,
    else who carries on after the table (``AFTER``)."""
    roles: list[RoleName] = []
    for t in TRANSITIONS:
        if t.source == status and not t.optional:
            roles += [r for r in t.roles if r not in roles]
    return tuple(roles) or AFTER.get(status, ())


def find(name: str, source: S) -> Transition | None:
    """The transition called ``name`` out of ``source``, if there is one."""
    for t in TRANSITIONS:
        if t.name == name and t.source == source:
            return t
    return None


def available(status: S, user) -> list[Transition]:
    """Transitions the user may take from ``status`` (for buttons)."""
    return [t for t in TRANSITIONS if t.source == status and user.has_role(*t.roles)]

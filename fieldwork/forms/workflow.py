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


TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", S.DRAFT, S.SUBMITTED, (RoleName.MANAGER,),
               _l("Submit to Home Affairs")),
    Transition("submit", S.RETURNED, S.SUBMITTED, (RoleName.MANAGER,),
               _l("Submit to Home Affairs")),
    Transition("withdraw", S.SUBMITTED, S.DRAFT, (RoleName.MANAGER,),
               _l("Withdraw submission"), style="outline-secondary"),
    Transition("approve", S.SUBMITTED, S.APPROVED, (RoleName.HOME_AFFAIRS,),
               _l("Approve"), style="success"),
    Transition("return", S.SUBMITTED, S.RETURNED, (RoleName.HOME_AFFAIRS,),
               _l("Return with comments"), needs_comment=True, style="warning"),
)


def find(name: str, source: S) -> Transition | None:
    """The transition called ``name`` out of ``source``, if there is one."""
    for t in TRANSITIONS:
        if t.name == name and t.source == source:
            return t
    return None


def available(status: S, user) -> list[Transition]:
    """Transitions the user may take from ``status`` (for buttons)."""
    return [t for t in TRANSITIONS if t.source == status and user.has_role(*t.roles)]

"""What feature packages contribute to the six steps, registered at app start-up.

``plans/`` knows no feature: it never imports ``reports``, ``stats``, ``omr`` or any other
feature package. A step that needs a feature's work asks here instead, the way the menu asks
``navigation`` and the job runner asks for handlers. Each feature's ``procedure`` module
(loaded by ``features.load_procedure`` in ``create_app``) registers:

``check``
    A named gate check on one transition of the table (``Step``, transition name): called
    with the survey, it returns the reasons the transition cannot happen yet (empty when it
    may), in the user's language. The transition runs the table's own guard, then every
    check registered for it, in registration order.
``effect``
    A named side effect of a transition, run after the state changed, ``(survey, user)``;
    what it returns (a dict) is added to the transition's audit entry.
``panel``
    A named block on a step's page: a template and a function ``(survey) -> dict | None``
    giving its context (None: nothing to show).
``service``
    A named function (or module) the procedure calls when present, e.g. the sheet counts
    that measure fieldwork progress, or the questionnaire API.
``moves``
    Who acts next in a step while it is in some state, when that is not the table's own
    next transition (``func(survey, state) -> list[Move] | None``; None: the table says):
    e.g. while a questionnaire version waits for Home Affairs in step 2, Home Affairs does.

Registering the same name again replaces the earlier entry, so re-creating the app (tests)
registers nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models_workflow import Step


@dataclass(frozen=True)
class Check:
    """A named gate check of one transition: ``func(survey) -> list[str]`` of reasons."""

    name: str
    step: Step
    transition: str
    func: Callable[[Any], list[str]]


@dataclass(frozen=True)
class Effect:
    """A named side effect of one transition: ``func(survey, user) -> dict | None``."""

    name: str
    step: Step
    transition: str
    func: Callable[[Any, Any], dict | None]


@dataclass(frozen=True)
class Panel:
    """A named block of a step page: ``template`` rendered with ``context(survey)``."""

    name: str
    step: Step
    template: str
    context: Callable[[Any], dict | None]
    order: int = 50


@dataclass(frozen=True)
class Move:
    """A next move someone may make in a step: by holders of ``roles`` (for agency reviewers,
    of ``agencies`` only), described by ``label``; ``queue`` names the work queue that lists
    it when that is not the step itself (so it is listed once)."""

    roles: tuple
    label: object
    agencies: tuple[int, ...] | None = None
    queue: str | None = None
    transition: Any = None


_checks: dict[str, Check] = {}
_effects: dict[str, Effect] = {}
_panels: dict[str, Panel] = {}
_services: dict[str, Any] = {}
_moves: dict[str, tuple[Step, Callable[[Any, Any], list[Move] | None]]] = {}


def register_check(step: Step, transition: str, name: str,
                   func: Callable[[Any], list[str]]) -> None:
    """Add (or replace) the gate check ``name`` of ``step``'s transition ``transition``."""
    _checks[name] = Check(name, Step(step), transition, func)


def register_effect(step: Step, transition: str, name: str,
                    func: Callable[[Any, Any], dict | None]) -> None:
    """Add (or replace) the side effect ``name`` of ``step``'s transition ``transition``."""
    _effects[name] = Effect(name, Step(step), transition, func)


def register_panel(step: Step, name: str, template: str,
                   context: Callable[[Any], dict | None], order: int = 50) -> None:
    """Add (or replace) the block ``name`` on ``step``'s page."""
    _panels[name] = Panel(name, Step(step), template, context, order)


def register_service(name: str, func: Any) -> None:
    """Offer ``func`` (a function or module) to the procedure under ``name``."""
    _services[name] = func


def register_moves(step: Step, name: str,
                   func: Callable[[Any, Any], list[Move] | None]) -> None:
    """Add (or replace) ``name``, telling who acts next in ``step`` (see ``Move``)."""
    _moves[name] = (Step(step), func)


def moves(step: Step, survey, state) -> list[Move] | None:
    """The next moves features know for ``step`` in ``state`` (all of them together); None
    when no feature says anything."""
    found: list[Move] | None = None
    for s, func in _moves.values():
        if s == step:
            more = func(survey, state)
            if more is not None:
                found = (found or []) + list(more)
    return found


def checks(step: Step, transition: str) -> list[Check]:
    """The checks registered for one transition, in registration order."""
    return [c for c in _checks.values() if c.step == step and c.transition == transition]


def run_checks(step: Step, transition: str, survey) -> list[str]:
    """Every registered check's reasons for one transition, in registration order."""
    reasons: list[str] = []
    for c in checks(step, transition):
        reasons.extend(c.func(survey) or [])
    return reasons


def run_effects(step: Step, transition: str, survey, user) -> dict:
    """Run the registered effects of one transition; what they returned, merged."""
    out: dict = {}
    for e in [e for e in _effects.values() if e.step == step and e.transition == transition]:
        out.update(e.func(survey, user) or {})
    return out


def panels(step: Step, survey) -> list[dict]:
    """The blocks of ``step``'s page with their context, in order; empty ones left out."""
    out = []
    for p in sorted((p for p in _panels.values() if p.step == step),
                    key=lambda p: (p.order, p.name)):
        ctx = p.context(survey)
        if ctx is not None:
            out.append({"name": p.name, "template": p.template, "ctx": ctx})
    return out


def service(name: str) -> Any | None:
    """The function (or module) registered as ``name``, or None when no feature offers it."""
    return _services.get(name)

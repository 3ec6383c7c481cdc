"""Who acts next in a step, and telling them: the hand-offs of the six steps.

A step's next moves are its table's transitions out of the current state (optional ones
aside), unless the procedure knows better: while agencies read their drafts in a comment
round, they act; while a questionnaire version waits for Home Affairs, Home Affairs acts
(the forms package registers that, ``registry.register_moves``). The step card's "Waiting
on", the start page's step work and the hand-off notifications all read ``moves``.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..auth.models import Role, User, user_roles
from ..auth.roles import ROLE_LABELS, RoleName
from ..extensions import db
from . import notifications, registry, workflow
from .models_review import AgencyComment, CommentRound, VerificationTask
from .models_workflow import DONE, INITIAL, Step
from .models_workflow import StepState as S
from .registry import Move
from .steps import ensure, plan_of

M, HA, AG = RoleName.MANAGER, RoleName.HOME_AFFAIRS, RoleName.AGENCY


def open_round(survey) -> CommentRound | None:
    """The survey's open comment round, if any."""
    return db.session.scalars(select(CommentRound).where(
        CommentRound.survey_id == survey.id, CommentRound.closed_at.is_(None))).first()


def _round_moves(survey, state) -> list[Move] | None:
    """Step 5 with a round open: agencies still to comment, comments to answer, visits."""
    if state != S.ROUND_OPEN:
        return None
    rnd = open_round(survey)
    if rnd is None:
        return None
    out = []
    sent = {d.agency_id for d in rnd.drafts}
    filed = set(db.session.scalars(select(AgencyComment.agency_id).where(
        AgencyComment.round_id == rnd.id)))
    pending = tuple(sorted(sent - filed))
    if pending:
        out.append(Move((AG,), _l("Read the draft results and file written comments"),
                        agencies=pending, queue="plans.round"))
    unanswered = db.session.scalar(select(func.count(AgencyComment.id)).where(
        AgencyComment.round_id == rnd.id, AgencyComment.response_kind.is_(None)))
    if unanswered:
        out.append(Move((M,), _l("Respond to the agencies' comments"), queue="plans.responses"))
    visits = db.session.scalar(select(func.count(VerificationTask.id)).join(AgencyComment).where(
        AgencyComment.round_id == rnd.id, VerificationTask.closed_at.is_(None)))
    if visits:
        out.append(Move((M, RoleName.ENUMERATOR), _l("Record the on-site verifications"),
                        queue="plans.visits"))
    return out or None


def moves(survey, step: Step, state=None) -> list[Move]:
    """Who may make the next move of ``step`` (in ``state``, default its current one)."""
    state = state if state is not None else ensure(survey)[step].state
    found = registry.moves(step, survey, state)
    if found is None and step == Step.COMMENTS:
        found = _round_moves(survey, state)
    if found is None:
        found = [Move(t.roles, t.label, transition=t)
                 for t in workflow.out_of(step, state) if not t.optional]
    return found


def active_steps(survey) -> list[Step]:
    """Steps under way: started and not done, and the first step not done."""
    rows = ensure(survey)
    out, first = [], True
    for step, row in rows.items():
        if row.done:
            continue
        if first or row.state != INITIAL[step]:
            out.append(step)
        first = False
    return out


def _users_with(role: RoleName) -> list[User]:
    return list(db.session.scalars(
        select(User).join(user_roles, user_roles.c.user_id == User.id)
        .join(Role, Role.id == user_roles.c.role_id)
        .where(Role.name == str(role), User.active.is_(True)).order_by(User.id)))


def people(survey, role: RoleName, agencies=None) -> list[User]:
    """Who may take a move of ``role``: Home Affairs through the survey's assigned reviewer
    (any when none is assigned), agency reviewers of ``agencies`` only."""
    if role == HA:
        reviewer = plan_of(survey).reviewer
        return [reviewer] if reviewer is not None and reviewer.active else _users_with(HA)
    users = _users_with(role)
    if role == AG:
        wanted = set(agencies or ())
        users = [u for u in users if u.agency_id in wanted]
    return users


def names(survey, step: Step, state=None) -> list[str]:
    """Who the step waits on, in words ("Home Affairs reviewer (Phạm Quốc Bảo)")."""
    out: list[str] = []
    for move in moves(survey, step, state):
        for role in move.roles:
            label = str(ROLE_LABELS[role])
            if role == HA and plan_of(survey).reviewer is not None:
                label = f"{label} ({plan_of(survey).reviewer.name})"
            elif role == AG and move.agencies:
                from ..directory.models import Agency
                found = db.session.scalars(select(Agency.name).where(
                    Agency.id.in_(move.agencies)).order_by(Agency.name)).all()
                shown = ", ".join(found[:3]) + (_(" and %(n)d more", n=len(found) - 3)
                                               if len(found) > 3 else "")
                label = f"{label} ({shown})"
            if label not in out:
                out.append(label)
    return out


def handed_to(acting: tuple, next_moves: list[Move]) -> list[tuple[RoleName, tuple | None]]:
    """The (role, agencies) that a move by holders of ``acting`` hands the work to: the
    roles of the next moves that are not the actor's own."""
    out: list[tuple[RoleName, tuple | None]] = []
    for move in next_moves:
        for role in move.roles:
            if role not in acting and (role, move.agencies) not in out:
                out.append((role, move.agencies))
    return out


def recipients(survey, acting: tuple, next_moves: list[Move]) -> list[User]:
    """The people a move by holders of ``acting`` makes the next actors (not themselves)."""
    users: list[User] = []
    for role, agencies in handed_to(acting, next_moves):
        users += [u for u in people(survey, role, agencies) if u not in users]
    return users


def work_key(survey, step: Step) -> str:
    """The work a step's hand-off notification announces."""
    return f"step:{survey.id}:{int(step)}"


def hand_off(survey, step: Step, t: workflow.Transition, row, actor) -> int:
    """After ``t``: clear the notifications of the step's earlier hand-off (that work is
    done) and tell whoever now acts next, if that is someone else; returns how many."""
    notifications.clear(work_key(survey, step))
    if step == Step.FIELDWORK and row.state == DONE[step]:
        notifications.clear_survey(survey, "assignment")  # nothing left to collect
    if step == Step.ACCEPTANCE and row.state == DONE[step]:
        notifications.clear_survey(survey)  # published: the survey's work is over
        return 0
    target_step, state = step, row.state
    if row.state == DONE[step] and step < Step.ACCEPTANCE:
        target_step = Step(step + 1)
        state = ensure(survey)[target_step].state
    next_moves = moves(survey, target_step, state)
    users = recipients(survey, t.roles, next_moves)
    if not users:
        return 0
    if target_step == Step.COMMENTS and state == S.ROUND_OPEN:
        rnd = open_round(survey)
        kind, params = "round_opened", {"code": survey.code, "n": rnd.number if rnd else ""}
    else:
        kind = "workflow"
        params = {"code": survey.code, "step_no": int(target_step), "state": state.value}
    return notifications.notify(users, survey, kind, params, actor=actor,
                                work=work_key(survey, target_step))

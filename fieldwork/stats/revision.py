"""The data revision of a survey: raised in the same transaction as every change the figures
depend on, so a cached summary is valid exactly while the revision it was made at stands.

The snapshot id is a hash of the rows and so cannot be the cache key (computing it needs the
rows). Instead, session listeners watch the tables the dataset reads and raise the counter
of each survey concerned when they change: approved sheets and their answers (approval,
edit, re-opening), online answers, imported results, the plan's scope (N, required sample),
the plan itself (bands, sample policy) and declared sources. Bulk statements through the
session (``session.execute(insert(Model), rows)``) are seen as well; a bulk change whose
survey is not in its parameters, or a renamed agency or field, raises every survey.
"""

from __future__ import annotations

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from ..timeutil import utcnow

ALL = "all"
# Tables whose rows carry survey_id and change figures whenever they change.
PER_SURVEY = {"online_responses", "imported_responses", "survey_scope", "plans_plans",
              "survey_sources"}
EVERY_SURVEY = {"agencies", "fields"}  # names shown in every figure
APPROVED = "approved"
PENDING = "stats_uncommitted"


def _table(obj) -> str | None:
    return getattr(type(obj), "__tablename__", None)


def _was_approved(obj) -> bool:
    state = inspect(obj).attrs.review_state.history
    return any(str(v) == APPROVED for v in (*state.added, *state.deleted, *state.unchanged))


def _sheet_matters(sheet, session: Session, new: bool) -> bool:
    if new:
        return str(sheet.review_state) == APPROVED
    return _was_approved(sheet) and (sheet in session.deleted or session.is_modified(
        sheet, include_collections=False))


def touched(session: Session) -> set:
    """Survey ids whose figures the pending changes of ``session`` alter (or ``ALL``)."""
    found: set = set()
    for group, new in ((session.new, True), (session.dirty, False), (session.deleted, False)):
        for obj in group:
            table = _table(obj)
            if table == "entry_sheets":
                if _sheet_matters(obj, session, new):
                    found.add(obj.survey_id)
            elif table == "entry_answers":
                if not new and obj in session.dirty and not session.is_modified(obj):
                    continue
                sheet = obj.sheet
                if sheet is not None and _was_approved(sheet):
                    found.add(sheet.survey_id)
            elif table in PER_SURVEY:
                if new or obj in session.deleted or session.is_modified(obj):
                    found.add(obj.survey_id)
            elif table in EVERY_SURVEY and not new and (
                    obj in session.deleted or session.is_modified(obj)):
                found.add(ALL)
    found.discard(None)
    return found


def bump(connection, survey_ids) -> None:
    """Raise the revision of each survey in ``survey_ids`` (``ALL``: of every survey)."""
    from ..plans.models import Survey
    from .models import DataRevision

    table = DataRevision.__table__
    ids = set(survey_ids)
    if not ids:
        return
    if ALL in ids:
        ids = set(connection.execute(select(Survey.id)).scalars())
    now = utcnow()
    for survey_id in sorted(ids):
        done = connection.execute(update(table).where(table.c.survey_id == survey_id).values(
            revision=table.c.revision + 1, updated_at=now))
        if done.rowcount == 0:
            _insert_first(connection, table, survey_id, now)


def _insert_first(connection, table, survey_id: int, now) -> None:
    """The first revision row of a survey (another transaction may insert it at once)."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).values(survey_id=survey_id, revision=1, updated_at=now)
    connection.execute(stmt.on_conflict_do_update(
        index_elements=[table.c.survey_id],
        set_={"revision": table.c.revision + 1, "updated_at": now}))


def current(survey_id: int) -> int:
    """The survey's revision now (0 before its first change)."""
    from ..extensions import db
    from .models import DataRevision
    return db.session.scalar(select(DataRevision.revision).where(
        DataRevision.survey_id == survey_id)) or 0


def _mark(session, ids) -> None:
    """Remember that this transaction changed these surveys: what it reads of them is not
    committed, so it must not be cached (``uncommitted``)."""
    session.info.setdefault(PENDING, set()).update(ids)


def uncommitted(session, survey_id: int) -> bool:
    """Whether ``session``'s open transaction changed the figures of ``survey_id``."""
    pending = session.info.get(PENDING) or ()
    return survey_id in pending or ALL in pending


@event.listens_for(Session, "before_flush")
def _before_flush(session, flush_context, instances) -> None:
    ids = touched(session)
    if ids:
        bump(session.connection(), ids)
        _mark(session, ids)


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    """The revisions raised are now what readers see: make their statistics again in the
    background (``warm``), so the next view finds them."""
    from .warm import changed
    ids = session.info.pop(PENDING, None)
    if ids:
        changed(ids)


@event.listens_for(Session, "after_rollback")
def _ended(session) -> None:
    session.info.pop(PENDING, None)


@event.listens_for(Session, "do_orm_execute")
def _bulk(state) -> None:
    """Bulk INSERT/UPDATE/DELETE through the session on a watched table."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    table = getattr(mapper.class_, "__tablename__", None) if mapper is not None else None
    if table not in PER_SURVEY | EVERY_SURVEY | {"entry_sheets", "entry_answers"}:
        return
    params = state.parameters
    rows = params if isinstance(params, list) else [params] if params else []
    ids = {r.get("survey_id") for r in rows if isinstance(r, dict)}
    if table in EVERY_SURVEY or not ids or None in ids or not state.is_insert:
        ids = {ALL}
    bump(state.session.connection(), ids)
    _mark(state.session, ids)

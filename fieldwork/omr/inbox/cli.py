"""``fieldwork scan --watch DIR --survey CODE --as-user EMAIL``: set up and watch one inbox."""

from __future__ import annotations

import logging
import time

import click
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from ...errors import OperationError
from ...extensions import db
from . import operations as ops
from .models import FileState, InboxFile, ScanInbox
from .watch import Watcher


def _inbox(folder: str, survey, as_user: str | None, pilot: bool, settle, give_up) -> ScanInbox:
    """The inbox at ``folder``: set up (audited, as ``as_user``) when it is new."""
    from ...auth.models import User

    try:
        path = ops.check_path(folder, web=False)
    except OperationError as exc:
        raise click.ClickException(str(exc)) from None
    inbox = db.session.scalar(select(ScanInbox).where(ScanInbox.path == str(path)))
    user = None
    if as_user:
        user = db.session.scalar(select(User).where(func.lower(User.email) == as_user.lower()))
        if user is None:
            raise click.ClickException(f"unknown user '{as_user}'")
    if inbox is not None:
        if survey is not None and inbox.survey_id != survey.id:
            raise click.ClickException(f"{path} is the inbox of survey {inbox.survey.code}, "
                                       "not of the one given")
        changes = {"settle_seconds": settle, "give_up_seconds": give_up}
        if user is not None or any(v is not None for v in changes.values()) or not inbox.active:
            data = {"survey": inbox.survey, "operator": user or inbox.operator, "pilot":
                    inbox.pilot, "name": inbox.name, "active": True, **changes}
            try:
                ops.update_inbox(inbox, data, user or "cli", web=False)
            except OperationError as exc:
                raise click.ClickException(str(exc)) from None
            db.session.commit()
        return inbox
    if survey is None or user is None:
        raise click.UsageError("a new inbox needs --survey CODE and --as-user EMAIL")
    try:
        inbox = ops.create_inbox({"path": str(path), "survey": survey, "operator": user,
                                  "pilot": pilot, "settle_seconds": settle,
                                  "give_up_seconds": give_up}, user, web=False)
    except OperationError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"inbox #{inbox.id} set up at {path} for survey {survey.code}", err=True)
    return inbox


def _open(inbox_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(InboxFile).where(
        InboxFile.inbox_id == inbox_id, InboxFile.state == FileState.READING)) or 0


def watch_folder(folder: str, survey, as_user: str | None, pilot: bool, settle, give_up,
                 once: bool, until_idle: bool) -> None:
    """Watch one inbox in the foreground (Ctrl-C stops; nothing is lost by stopping)."""
    from ...jobs.runner import load_tasks, perform

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    inbox = _inbox(folder, survey, as_user, pilot, settle, give_up)
    inbox_id = inbox.id
    load_tasks()
    # This process reads what it takes, in the foreground, whatever the configured backend.
    watcher = Watcher(inbox_ids=[inbox_id], dispatch=perform, resume=True)
    poll = float(current_app.config.get("INBOX_POLL_SECONDS", 2))
    totals = {"taken": 0, "refused": 0, "finished": 0}
    try:
        while True:
            try:
                counts = watcher.visit_all()
                inbox = db.session.get(ScanInbox, inbox_id)
                db.session.refresh(inbox)
                busy = _open(inbox_id)
            except OperationalError as exc:  # e.g. SQLite busy with another watcher: retry
                logging.getLogger(__name__).warning("watching paused a moment: %s", exc)
                db.session.rollback()
                time.sleep(poll)
                continue
            for k in totals:
                totals[k] += counts[k]
            if counts["taken"] or counts["refused"] or counts["unreachable"]:
                click.echo(f"{inbox.state.value}: taken {counts['taken']}, refused "
                           f"{counts['refused']}, waiting {inbox.waiting}"
                           + (f" ({inbox.state_detail})" if inbox.state_detail else ""),
                           err=True)
            if once:
                break
            if until_idle and not inbox.waiting and not busy and not counts["waiting"]:
                break
            db.session.rollback()  # no transaction held while idle; objects stay usable
            time.sleep(poll)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    click.echo(f"inbox #{inbox_id}: {totals['taken']} file(s) taken, {totals['refused']} "
               f"refused, {totals['finished']} finished")

"""Pages stored a group at a time: a resumed reading stores only what is missing, and a page
another worker stored meanwhile is never stored twice (the database refuses it too)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fieldwork.forms.batches import mac_key
from fieldwork.omr import jobs
from fieldwork.omr import operations as ops
from fieldwork.omr.load import iter_pages
from fieldwork.omr.models import PageStatus, ScanPage
from fieldwork.omr.storage import absolute

from .conftest import batch_scans
from .inbox_files import grey, pdf


def _batch(db, survey, people, printed):
    batch = ops.create_batch({"survey": survey}, people["scanner"])
    ops.add_file(batch, "feeder.pdf", pdf([grey(s) for s in batch_scans(printed)]))
    db.session.commit()
    return batch


def _stored(db, batch):
    return db.session.execute(select(ScanPage.index, ScanPage.status).where(
        ScanPage.batch_id == batch.id).order_by(ScanPage.index)).all()


def test_a_resumed_reading_stores_only_the_pages_missing(db, survey, people, printed,
                                                         monkeypatch):
    monkeypatch.setattr(jobs, "GROUP_PAGES", 4)
    batch = _batch(db, survey, people, printed)
    jobs.process_batch(batch.id)
    first = _stored(db, batch)
    assert [r.index for r in first] == list(range(6))
    assert {r.status for r in first} == {PageStatus.READ}
    # As if the worker died before the last group (pages 4 and 5) was committed.
    for page in db.session.scalars(select(ScanPage).where(ScanPage.batch_id == batch.id,
                                                          ScanPage.index >= 4)):
        db.session.delete(page)
    file = batch.files[0]
    file.done = False
    db.session.commit()
    jobs.process_batch(batch.id)
    assert _stored(db, batch) == first  # nothing twice, nothing lost, same readings


def test_a_page_another_worker_stored_is_not_stored_again(db, survey, people, printed):
    batch = _batch(db, survey, people, printed)
    jobs.process_batch(batch.id)
    file = batch.files[0]
    items = list(iter_pages(absolute(file.path)))[:3]
    group = [jobs.prepare(batch, file, item, mac_key()) for item in items]  # read again
    assert jobs.store(batch, file, group, last=True) == []
    assert [r.index for r in _stored(db, batch)] == list(range(6))
    with pytest.raises(IntegrityError):  # and the database refuses a second row
        ops.record_page(batch, file, 0, group[0].result, group[0].found, group[0].files)
    db.session.rollback()

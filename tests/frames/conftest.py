"""A frame survey: Sở Tư pháp (fields HT, CT) and Sở Y tế in scope, a manager, an enumerator."""

from __future__ import annotations

import io

import pytest

from fieldwork.frames.operations import import_frame


@pytest.fixture()
def setup(db, factory):
    """Survey FR-1 over two agencies with fields HT, CT, YT; a manager and an enumerator."""
    agencies = [factory.agency("Sở Tư pháp"), factory.agency("Sở Y tế")]
    fields = [factory.field("HT", "Hộ tịch"), factory.field("CT", "Chứng thực"),
              factory.field("YT", "Y tế")]
    return {"manager": factory.user("manager"), "lan": factory.user("enumerator"),
            "survey": factory.survey("FR-1", agencies=agencies), "agencies": agencies,
            "fields": fields}


def run_import(setup, data: bytes, **options):
    """Import ``data`` into FR-1 as the manager."""
    opts = {"name": "hoso.csv", **options}
    return import_frame(setup["survey"], io.BytesIO(data), opts, setup["manager"])

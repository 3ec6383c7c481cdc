"""Fixtures for scanning tests: people, a survey with an approved form, a printed batch, scans."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldwork.forms.batches import print_batch
from fieldwork.omr.synth.degrade import Scan

from ..factories import approved_version
from .generator import printed as printed_form
from .generator import scans


@pytest.fixture()
def people(factory):
    """Manager, Home Affairs reviewer, scanning operator, enumerator, agency reviewer."""
    return {"manager": factory.user("manager"), "reviewer": factory.user("home_affairs"),
            "scanner": factory.user("scanner"), "enumerator": factory.user("enumerator"),
            "agency": factory.user("agency")}


@pytest.fixture()
def survey(db, factory, people):
    """Survey SCAN-1 with an approved SIPAS form."""
    s = factory.survey("SCAN-1", agencies=[factory.agency()])
    approved_version(db, s, people, "sipas")
    return s


@pytest.fixture()
def printed(db, survey, people):
    """Live sheets 1-3 of SCAN-1, printed."""
    batch = print_batch(survey, {"count": 3, "agency_id": survey.scope[0].agency_id},
                        people["manager"])
    db.session.commit()
    return batch


def batch_scans(batch, seed: int = 0, scan: Scan | None = None, only=None, rates=None):
    """Filled and scanned pages of a print batch (150 dpi, mild degradation)."""
    import json

    layout = json.loads(Path(batch.layout_path).read_text(encoding="utf-8"))
    serials = [batch.serial_text(n) for n in range(batch.first_serial, batch.last_serial + 1)]
    return scans(Path(batch.pdf_path).read_bytes(), layout, serials, seed=seed, dpi=150,
                 scan=scan or Scan(skew=1.0, noise=4, jpeg=80), only=only, rates=rates)


@pytest.fixture(scope="module")
def danang_pdf(tmp_path_factory):
    """The 2025 Da Nang form (one A4 side: six field tick boxes, a phone grid) printed for
    serial 00000001 with the generator's key, as a PDF file, and its layout."""
    pdf, layout = printed_form("danang-2025", ["00000001"])
    path = tmp_path_factory.mktemp("danang") / "danang.pdf"
    path.write_bytes(pdf)
    return path, layout


@pytest.fixture(scope="module")
def forms():
    """Each built-in form printed once (generator key ``test-key``): its pages as grey images
    at 200 dpi, and its layout (the drawn-mark tests draw on these)."""
    import numpy as np
    import pypdfium2 as pdfium

    out = {}
    for name in ("sipas", "danang-2025"):
        pdf, layout = printed_form(name, ["00000001"], b"test-key")
        doc = pdfium.PdfDocument(pdf)
        pages = [np.asarray(doc[i].render(scale=200 / 72, grayscale=True).to_pil().convert("L"))
                 for i in range(len(doc))]
        doc.close()
        out[name] = pages, layout
    return out

"""`fieldwork forms print` right after `fieldwork demo`, and its refusals."""

from __future__ import annotations

import json

from sqlalchemy import select

from fieldwork.forms.models import PrintBatch


def _demo_and_next_serial(runner, db) -> int:
    """The next free serial of DEMO-2026 after the demo (which prints sheets of its own)."""
    from fieldwork.forms.batches import next_free_serial
    from fieldwork.plans.models import Survey

    return next_free_serial(db.session.scalar(select(Survey).where(Survey.code == "DEMO-2026")))


def test_demo_then_print_500(demo_year, runner, db, tmp_path):
    first = _demo_and_next_serial(runner, db)
    printed_by_demo = len(db.session.scalars(select(PrintBatch)).all())
    out, layout = tmp_path / "f.pdf", tmp_path / "f.json"
    res = runner.invoke(args=["forms", "print", "DEMO-2026", "--count", "500", "--out", str(out),
                              "--layout", str(layout)])
    assert res.exit_code == 0, res.output
    assert f"{first:08d}-{first + 499:08d}" in res.output
    assert out.read_bytes().startswith(b"%PDF")
    data = json.loads(layout.read_text(encoding="utf-8"))
    assert data["survey"] == "DEMO-2026" and data["version"] == 1
    # v2 of the demo is a draft: live printing refused, pilot allowed
    res = runner.invoke(args=["forms", "print", "DEMO-2026", "--version", "2", "--count", "5",
                              "--out", str(out), "--layout", str(layout)])
    assert res.exit_code != 0 and "phê duyệt" in res.output
    res = runner.invoke(args=["forms", "print", "DEMO-2026", "--version", "2", "--count", "5",
                              "--pilot", "--out", str(tmp_path / "p.pdf"), "--layout",
                              str(tmp_path / "p.json")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(args=["forms", "print", "DEMO-2026", "--count", "5", "--start-serial",
                              "10", "--out", str(out), "--layout", str(layout)])
    assert res.exit_code != 0 and "trùng" in res.output
    res = runner.invoke(args=["forms", "print", "NOPE", "--count", "5", "--out", str(out),
                              "--layout", str(layout)])
    assert res.exit_code != 0 and "unknown survey" in res.output
    assert len(db.session.scalars(select(PrintBatch)).all()) == printed_by_demo + 2


def test_500_printed_sheets_all_carry_unique_verified_qr_codes(demo_year, runner, db, tmp_path,
                                                              app):
    """The issue's done-when: 500 sheets whose QR codes all decode, verify and differ."""
    import numpy as np
    import pypdfium2 as pdfium
    from pyzbar.pyzbar import decode

    from fieldwork.forms.batches import mac_key
    from fieldwork.forms.qrpayload import verify
    from fieldwork.omr.geometry import layout_to_pixels

    first = _demo_and_next_serial(runner, db)
    out, layout_file = tmp_path / "f.pdf", tmp_path / "f.json"
    res = runner.invoke(args=["forms", "print", "DEMO-2026", "--count", "500", "--out",
                              str(out), "--layout", str(layout_file)])
    assert res.exit_code == 0, res.output
    layout = json.loads(layout_file.read_text(encoding="utf-8"))
    per_sheet = len(layout["pages"])
    dpi = 100
    seen = set()
    pdf = pdfium.PdfDocument(str(out))
    try:
        assert len(pdf) == 500 * per_sheet
        for index in range(len(pdf)):
            page_layout = layout["pages"][index % per_sheet]
            r = layout_to_pixels(page_layout["qr"], dpi)
            bitmap = pdf[index].render(scale=dpi / 72, grayscale=True)
            image = np.asarray(bitmap.to_numpy())
            pad = 6
            crop = image[max(int(r.y) - pad, 0):int(r.y + r.h) + pad,
                         max(int(r.x) - pad, 0):int(r.x + r.w) + pad]
            found = decode(np.ascontiguousarray(crop.squeeze()))
            assert len(found) == 1, f"page {index}: no QR"
            p = verify(found[0].data, mac_key())
            assert (p.survey, p.version, p.pilot) == ("DEMO-2026", 1, False)
            assert p.page == index % per_sheet + 1
            seen.add((p.serial, p.page))
    finally:
        pdf.close()
    assert len(seen) == 500 * per_sheet
    assert {s for s, _ in seen} == {f"{n:08d}" for n in range(first, first + 500)}

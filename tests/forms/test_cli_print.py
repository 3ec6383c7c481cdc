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


def _print(runner, tmp_path, *args):
    out, layout = tmp_path / "f.pdf", tmp_path / "f.json"
    return runner.invoke(args=["forms", "print", "DEMO-2026", *args, "--out", str(out),
                               "--layout", str(layout)]), out, layout


def test_demo_then_print_500(demo_year, runner, db, tmp_path):
    first = _demo_and_next_serial(runner, db)
    printed_by_demo = len(db.session.scalars(select(PrintBatch)).all())
    res, out, layout = _print(runner, tmp_path, "--agency", "phuong hai chau", "--count", "500")
    assert res.exit_code == 0, res.output
    assert f"{first:08d}-{first + 499:08d}" in res.output and "Phường Hải Châu" in res.output
    assert "1 page(s) each" in res.output
    assert out.read_bytes().startswith(b"%PDF")
    data = json.loads(layout.read_text(encoding="utf-8"))
    assert data["survey"] == "DEMO-2026" and data["version"] == 1
    assert data["imprint"]["agency"] == "Phường Hải Châu" and data["imprint"]["fields"]
    batch = db.session.scalars(select(PrintBatch).order_by(PrintBatch.id.desc())).first()
    assert batch.agency.name == "Phường Hải Châu" and not batch.personal
    # v2 of the demo is a draft: live printing refused, pilot allowed
    res, *_ = _print(runner, tmp_path, "--agency", "Sở Tư pháp", "--version", "2",
                     "--count", "5")
    assert res.exit_code != 0 and "phê duyệt" in res.output
    res, *_ = _print(runner, tmp_path, "--agency", "Sở Tư pháp", "--version", "2", "--count",
                     "5", "--pilot")
    assert res.exit_code == 0, res.output
    res, *_ = _print(runner, tmp_path, "--agency", "Sở Tư pháp", "--count", "5",
                     "--start-serial", "10")
    assert res.exit_code != 0 and "trùng" in res.output
    res = runner.invoke(args=["forms", "print", "NOPE", "--agency", "x", "--count", "5",
                              "--out", str(out), "--layout", str(layout)])
    assert res.exit_code != 0 and "unknown survey" in res.output
    # Bad input: no agency, an agency outside the scope, a field it does not have.
    res, *_ = _print(runner, tmp_path, "--count", "5")
    assert res.exit_code != 0 and "--agency" in res.output
    res, *_ = _print(runner, tmp_path, "--agency", "UBND thành phố Hà Nội", "--count", "5")
    assert res.exit_code != 0 and "Hà Nội" in res.output
    res, *_ = _print(runner, tmp_path, "--agency", "Sở Tư pháp", "--field", "Y tế",
                     "--count", "5")
    assert res.exit_code != 0 and "Y tế" in res.output
    assert len(db.session.scalars(select(PrintBatch)).all()) == printed_by_demo + 2


def test_demo_draw_prints_one_personalised_sheet_per_dossier(demo_year, runner, db, tmp_path):
    """Sở Tư pháp's drawn dossiers: printed once; again only with a reason, voiding the old."""
    from fieldwork.audit.models import AuditEvent
    from fieldwork.forms.models import PrintedSheet

    _demo_and_next_serial(runner, db)
    demo = {s.id for s in db.session.scalars(select(PrintedSheet))}  # the demo's own scans
    res, out, layout = _print(runner, tmp_path, "--draw", "--agency", "Sở Tư pháp",
                              "--count", "20")
    assert res.exit_code == 0, res.output
    assert "20 personalised sheets" in res.output and "1 page(s) each" in res.output
    sheets = [s for s in db.session.scalars(select(PrintedSheet).order_by(PrintedSheet.serial))
              if s.id not in demo]
    assert len(sheets) == 20 and len({s.dossier_id for s in sheets}) == 20
    assert {s.agency.name for s in sheets} == {"Sở Tư pháp"}
    data = json.loads(layout.read_text(encoding="utf-8"))
    assert data["imprint"]["personal"] and "dossier" in data["pages"][0]
    assert not {"phone", "citizen_id"} & {q["code"] for q in data["questions"]}
    # The dossier is printed on the sheet: its procedure and date returned (no phone, no ID).
    import subprocess
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(out), "-"],
                          capture_output=True, text=True, check=True).stdout
    first = min(sheets, key=lambda s: s.serial)
    assert first.dossier.procedure in text
    assert first.dossier.returned_on.strftime("%d/%m/%Y") in text
    assert "Số điện thoại" not in text
    # The rest of the agency's drawn dossiers, then nothing left: a clear refusal.
    res, *_ = _print(runner, tmp_path, "--draw", "--agency", "so tu phap")
    assert res.exit_code == 0, res.output
    total = len(db.session.scalars(select(PrintedSheet)).all())
    res, *_ = _print(runner, tmp_path, "--draw", "--agency", "Sở Tư pháp")
    assert res.exit_code != 0 and "đã được in phiếu" in res.output and "lý do" in res.output
    # Printing them again needs a reason and voids the old serials (of sheets still out).
    res, *_ = _print(runner, tmp_path, "--draw", "--agency", "Sở Tư pháp", "--count", "3",
                     "--reprint", "Phiếu bị ướt khi vận chuyển")
    assert res.exit_code == 0, res.output
    void = db.session.scalars(select(PrintedSheet).where(
        PrintedSheet.voided_at.is_not(None))).all()
    assert len(void) == 3 and {v.void_reason for v in void} == {"Phiếu bị ướt khi vận chuyển"}
    assert all(v.returned_at is None for v in void)
    assert len(db.session.scalars(select(PrintedSheet)).all()) == total + 3
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "print.void")).one()
    assert event.reason == "Phiếu bị ướt khi vận chuyển" and len(event.after["serials"]) == 3
    res, *_ = _print(runner, tmp_path, "--agency", "Sở Tư pháp", "--count", "2", "--reprint",
                     "x")
    assert res.exit_code != 0 and "--draw" in res.output


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
    res = runner.invoke(args=["forms", "print", "DEMO-2026", "--agency", "Sở Tư pháp",
                              "--count", "500", "--out", str(out), "--layout", str(layout_file)])
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

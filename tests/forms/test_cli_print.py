"""`fieldwork forms print` right after `fieldwork demo`, and its refusals."""

from __future__ import annotations

import json

from sqlalchemy import select

from fieldwork.forms.models import PrintBatch


def test_demo_then_print_500(runner, db, tmp_path):
    assert runner.invoke(args=["demo", "--password", "demo-pass-2026"]).exit_code == 0
    out, layout = tmp_path / "f.pdf", tmp_path / "f.json"
    res = runner.invoke(args=["forms", "print", "DEMO-2026", "--count", "500", "--out", str(out),
                              "--layout", str(layout)])
    assert res.exit_code == 0, res.output
    assert "00000001-00000500" in res.output
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
    assert len(db.session.scalars(select(PrintBatch)).all()) == 2

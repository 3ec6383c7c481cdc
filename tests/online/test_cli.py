"""``fieldwork online poster|links``."""

from __future__ import annotations

from .test_posters import decode_qr


def test_poster_command_writes_a_poster_whose_qr_is_the_agency_page(runner, world, tmp_path):
    out = tmp_path / "p.pdf"
    result = runner.invoke(args=["online", "poster", "on-1", "--agency", "Sở Y tế", "--size",
                                 "a5", "--out", str(out), "--base-url", "https://ks.vn/"])
    assert result.exit_code == 0, result.output
    assert decode_qr(out.read_bytes())[0] == [f"https://ks.vn/khao-sat/ON-1/{world.b.id}"]


def test_poster_command_explains_bad_input(runner, world, tmp_path, monkeypatch):
    monkeypatch.delenv("FIELDWORK_PUBLIC_URL", raising=False)
    out = str(tmp_path / "p.pdf")
    bad = runner.invoke(args=["online", "poster", "ON-1", "--agency", "Sở Khác", "--out", out,
                              "--base-url", "https://ks.vn"])
    assert bad.exit_code == 1 and "not in the scope" in bad.output
    nobase = runner.invoke(args=["online", "poster", "ON-1", "--agency", str(world.a.id),
                                 "--out", out])
    assert nobase.exit_code == 1 and "--base-url" in nobase.output
    unknown = runner.invoke(args=["online", "poster", "XX-1", "--agency", "1", "--out", out])
    assert unknown.exit_code == 1 and "unknown survey" in unknown.output


def test_links_command_lists_answer_and_kiosk_addresses(runner, world):
    result = runner.invoke(args=["online", "links", "ON-1", "--base-url", "https://ks.vn"])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 0 and len(lines) == 2
    assert lines[0].split("\t")[2] == f"https://ks.vn/khao-sat/ON-1/{world.a.id}"
    assert "/kiosk/ON-1/" in lines[0].split("\t")[3]

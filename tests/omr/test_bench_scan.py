"""``fieldwork bench scan`` runs end to end, tiny (the real figures are in docs/performance.md)."""

from __future__ import annotations

import json

from PIL import Image

from fieldwork.omr.benchscan import encode_files


def test_bench_scan_reads_every_format_with_two_workers():
    # Outside the test app (whose session is bound to the test database): the bench makes
    # its own instance, as on the command line.
    from click.testing import CliRunner

    from fieldwork.omr.cli import bench_scan

    result = CliRunner().invoke(bench_scan, ["--pages", "2", "--per-file", "2", "--workers",
                                             "2", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert report["pages"] == 2 and report["dpi"] == 300
    assert set(report["formats"]) == {"tiff", "pdf", "jpeg"}
    for fmt, entry in report["formats"].items():
        assert [r["workers"] for r in entry["rounds"]] == [2]
        for r in entry["rounds"]:
            # Every page stored and read in each round (no page lost, none read twice).
            assert (r["pages"], r["read"], r["rejected"]) == (2, 2, 0), (fmt, r["not_read"])
            assert r["cpu_ms_per_page"] > 0 and r["pages_per_s"] > 0
            assert {"decode", "read", "files", "store"} <= set(r["stages_ms_per_page"])


def test_scanner_files_are_what_feeders_write(tmp_path):
    """Multi-page one-bit G4 TIFF, multi-page PDF, one JPEG per page."""
    import numpy as np

    pages = [np.full((700, 500), 200 + i, np.uint8) for i in range(5)]
    tif = encode_files(pages, "tiff", tmp_path / "t", per_file=3)
    assert [p.name for p in tif] == ["SCAN_0001.tif", "SCAN_0002.tif"]
    with Image.open(tif[0]) as img:
        assert img.n_frames == 3 and img.mode == "1"
        assert img.info["compression"] == "group4"
    pdf = encode_files(pages, "pdf", tmp_path / "p", per_file=5)
    assert len(pdf) == 1 and pdf[0].read_bytes().count(b"/Type /Page\n") + pdf[0].read_bytes(
        ).count(b"/Type /Page ") >= 1
    assert len(encode_files(pages, "jpeg", tmp_path / "j", per_file=5)) == 5

"""The programs users open documents in: LibreOffice (DOCX to PDF) and poppler's tools."""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
from pathlib import Path


def to_pdf(docx_files: list[Path], out_dir: Path, profile_dir: Path) -> list[Path]:
    """Convert DOCX files to PDF with LibreOffice headless, in one run, with a profile of
    its own (parallel test workers must not share one)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is missing: install Debian's libreoffice-writer-nogui"
    out_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile_dir.resolve().as_uri()}", "--headless",
         "--norestore", "--convert-to", "pdf", "--outdir", str(out_dir),
         *[str(p) for p in docx_files]], capture_output=True, text=True, timeout=300,
        check=False)
    pdfs = [out_dir / (p.stem + ".pdf") for p in docx_files]
    missing = [p.name for p in pdfs if not p.exists()]
    assert done.returncode == 0 and not missing, (done.stdout, done.stderr, missing)
    return pdfs


def pages_text(pdf: Path) -> list[str]:
    """``pdftotext -layout`` of each page."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def page_count(pdf: Path) -> int:
    """Pages of a PDF (pdfinfo)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def fonts(pdf: Path) -> list[dict]:
    """``pdffonts`` rows: name, type, embedded."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    rows = []
    for line in out:
        parts = line.split()
        # name type [type2] encoding emb sub uni obj gen: "emb" is the 5th field from the end.
        rows.append({"name": parts[0], "embedded": parts[-5] == "yes", "line": line})
    return rows


def first_line(page: str) -> str:
    """The first non-blank line of a page's layout text, stripped."""
    return next((ln.strip() for ln in page.splitlines() if ln.strip()), "")


def grey_shapes(pdf: Path, page: int) -> int:
    """Grey-filled shapes on a page (0-based): the watermark, drawn as glyph outlines."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    doc = pdfium.PdfDocument(str(pdf))
    try:
        count = 0
        for obj in doc[page].get_objects(max_depth=5):
            if obj.type != pdfium_c.FPDF_PAGEOBJ_PATH:
                continue
            rgba = [ctypes.c_uint() for _ in range(4)]
            pdfium_c.FPDFPageObj_GetFillColor(obj.raw, *rgba)
            r, g, b, _a = (v.value for v in rgba)
            count += r == g == b and 120 <= r <= 235
        return count
    finally:
        doc.close()

"""A respondent with a pen, written apart from the reader and from ``fieldwork.omr.synth``.

Pages come from the printed PDF through poppler (``pdftoppm``), not pdfium; a choice box is
found from the PDF's own text (``pdftotext -bbox``: the box sits just left of its option's
printed label), not from the layout file; marks are drawn with Pillow: a solid fill, a tick,
a cross, or a ring around the box (the ways people answer on paper). Only the date digits
and the comment text use the layout, to know where the respondent writes.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

PT_PER_MM = 72 / 25.4
STYLES = ("fill", "tick", "cross", "ring")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@dataclass
class Answers:
    """What one respondent answers: option labels to mark, digits per grid, a comment."""

    choices: list[tuple[str, str]] = field(default_factory=list)  # (label, style)
    grids: dict[str, str] = field(default_factory=dict)  # e.g. {"survey_date": "14072026"}
    comment: str = ""


def words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """Words of one PDF page with their boxes in points, top-left origin."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf),
                          "-"], check=True, capture_output=True, text=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                       r'yMax="([\d.]+)">([^<]*)</word>', out)
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in found]


def option_box(page_words, label: str) -> tuple[float, float, float]:
    """(centre x, centre y, side) in points of the box printed left of ``label``."""
    want = label.split()[:3]
    for i in range(len(page_words) - len(want) + 1):
        run = page_words[i:i + len(want)]
        if [w[4] for w in run] != want or len({round(w[1]) for w in run}) != 1:
            continue
        x0, y0, _x1, y1, _w = run[0]
        left = [w for w in page_words if abs(w[1] - y0) < 3 and x0 - 6.5 * PT_PER_MM < w[2] < x0]
        if left:
            continue  # another word just before: not an option label with its box
        side = 4 * PT_PER_MM
        return x0 - 1.8 * PT_PER_MM - side / 2, (y0 + y1) / 2 + 0.3, side
    raise LookupError(f"no option labelled {label!r} on the page")


def raster(pdf: Path, page: int, dpi: int) -> Image.Image:
    """One page rendered by poppler, grey."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page),
                        "-png", str(pdf), f"{tmp}/p"], check=True)
        return Image.open(next(Path(tmp).glob("p*.png"))).convert("L")


def _mark(draw: ImageDraw.ImageDraw, cx: float, cy: float, side: float, style: str,
          k: float) -> None:
    """One hand mark centred on a box (points scaled to pixels by ``k``)."""
    x, y, s = cx * k, cy * k, side * k
    pen = max(2, int(0.45 * PT_PER_MM * k))
    if style == "fill":
        draw.rectangle([x - 0.42 * s, y - 0.4 * s, x + 0.4 * s, y + 0.42 * s], fill=30)
    elif style == "tick":
        draw.line([(x - 0.35 * s, y), (x - 0.05 * s, y + 0.35 * s), (x + 0.5 * s, y - 0.55 * s)],
                  fill=25, width=pen, joint="curve")
    elif style == "cross":
        draw.line([(x - 0.45 * s, y - 0.45 * s), (x + 0.45 * s, y + 0.45 * s)], fill=25,
                  width=pen)
        draw.line([(x - 0.45 * s, y + 0.45 * s), (x + 0.45 * s, y - 0.45 * s)], fill=25,
                  width=pen)
    elif style == "ring":  # around the box, crossing its corners as a quick hand does
        r = 0.62 * s
        draw.ellipse([x - r * 1.15, y - r, x + r * 1.15, y + r], outline=25, width=pen)
    else:
        raise ValueError(style)


def _write(draw, text: str, x: float, y: float, height: float, k: float) -> None:
    font = ImageFont.truetype(FONT, max(8, int(height * k)))
    draw.text((x * k, y * k), text, fill=35, font=font)


def fill(pdf: Path, layout: dict, sheet: int, answers: Answers, dpi: int = 200,
         rotation: int = 0) -> bytes:
    """Sheet ``sheet`` (0-based) of a one-page-per-sheet batch, answered, as a scan (JPEG)."""
    pages = len(layout["pages"])
    if pages != 1:
        raise ValueError("this generator fills one-page forms")
    number = sheet + 1
    img = raster(pdf, number, dpi)
    draw = ImageDraw.Draw(img)
    k = dpi / 72
    page_words = words(pdf, number)
    for label, style in answers.choices:
        cx, cy, side = option_box(page_words, label)
        _mark(draw, cx, cy, side, style, k)
    for code, digits in answers.grids.items():
        grid = {(b["position"], b["option"]): b for b in layout["pages"][0]["boxes"]
                if b["question"] == code}
        for pos, digit in enumerate(digits):
            b = grid[(pos, digit)]
            _mark(draw, b["x"] + b["w"] / 2, b["y"] + b["h"] / 2, b["w"], "fill", k)
            _write(draw, digit, b["x"], b["y"] - (int(digit) * 4.6 + 5.6) * PT_PER_MM,
                   4 * PT_PER_MM, k)
    if answers.comment:
        region = next(r for r in layout["pages"][0]["text_regions"] if r["question"] == "q03")
        _write(draw, answers.comment, region["x"] + 8, region["y"] + 4, 4.5 * PT_PER_MM, k)
    if rotation:
        img = img.rotate(-rotation, expand=True, fillcolor=255)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=85, dpi=(dpi, dpi))
    return buf.getvalue()

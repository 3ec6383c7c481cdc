"""Print settings and the embedded TrueType font with Vietnamese coverage."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# print_templates/ at the top of the repository, installed as fieldwork.print_templates.
SETTINGS = ("fieldwork.print_templates", "print_settings.json")
REGULAR, BOLD = "FieldworkSans", "FieldworkSans-Bold"
# Letters a font must have to print Vietnamese: every vowel with every tone mark
# family and the extra base letters.  Core fonts (Helvetica) fail this.
VIETNAMESE_SAMPLE = "ăâđêôơưĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"


class FontMissingError(RuntimeError):
    """No TrueType font with Vietnamese coverage was found on this system."""


@dataclass(frozen=True)
class Fonts:
    """Names of the registered ReportLab fonts and the files they came from."""

    regular: str
    bold: str
    regular_path: Path
    bold_path: Path


def load_print_settings(path: str | Path | None = None) -> dict:
    """The print settings (fonts, margins, box sizes, QR, batch limits) as a dict."""
    if path is None:
        return _default_settings()
    return json.loads(Path(path).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _default_settings() -> dict:
    from ..resources import read_text
    return json.loads(read_text(*SETTINGS))


def _candidates(names: list[str], dirs: list[str]):
    # Exact paths first (cheap), then a recursive search for odd layouts.
    for name in names:
        for d in dirs:
            p = Path(d) / name
            if p.is_file():
                yield p
    for name in names:
        for d in dirs:
            if Path(d).is_dir():
                yield from sorted(Path(d).rglob(name))


def _covers_vietnamese(path: Path) -> bool:
    from ..documents.fonts import covers
    return covers(path, VIETNAMESE_SAMPLE)


def find_font(names: list[str], search_dirs: list[str]) -> Path | None:
    """The first font file named in ``names`` under ``search_dirs`` that covers Vietnamese."""
    for path in _candidates(names, search_dirs):
        if _covers_vietnamese(path):
            return path
    return None


_registered: Fonts | None = None


def register_fonts(settings: dict | None = None) -> Fonts:
    """Find and register the regular and bold fonts with ReportLab, once per process."""
    global _registered
    if _registered is not None:
        return _registered
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    conf = (settings or load_print_settings())["fonts"]
    regular = find_font(conf["regular"], conf["search_dirs"])
    if regular is None:
        raise FontMissingError(
            "Không tìm thấy phông chữ TrueType hỗ trợ tiếng Việt "
            f"({', '.join(conf['regular'])}) trong {', '.join(conf['search_dirs'])}. "
            f"Hãy cài gói Debian '{conf['debian_package']}' "
            f"(apt-get install {conf['debian_package']}).")
    # A missing bold face is not worth refusing to print: fall back to regular.
    bold = find_font(conf["bold"], conf["search_dirs"]) or regular
    pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
    _registered = Fonts(REGULAR, BOLD, regular, bold)
    return _registered

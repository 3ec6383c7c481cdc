"""Print settings and the embedded TrueType font with Vietnamese coverage."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# print_templates/ at the top of the repository, installed as fieldwork.print_templates.
SETTINGS = ("fieldwork.print_templates", "print_settings.json")
REGULAR, BOLD = "FieldworkSans", "FieldworkSans-Bold"
FORM_REGULAR, FORM_BOLD = "FieldworkForm", "FieldworkForm-Bold"
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
_form_registered: Fonts | None = None


def _register(conf: dict, prefix: str, names: tuple[str, str]) -> Fonts:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    wanted = conf.get(f"{prefix}regular") or conf["regular"]
    regular = find_font(wanted, conf["search_dirs"])
    if regular is None:
        package = conf.get(f"{prefix}debian_package") or conf["debian_package"]
        raise FontMissingError(
            "Không tìm thấy phông chữ TrueType hỗ trợ tiếng Việt "
            f"({', '.join(wanted)}) trong {', '.join(conf['search_dirs'])}. "
            f"Hãy cài gói Debian '{package}' (apt-get install {package}).")
    # A missing bold face is not worth refusing to print: fall back to regular.
    bold = find_font(conf.get(f"{prefix}bold") or conf["bold"], conf["search_dirs"]) or regular
    pdfmetrics.registerFont(TTFont(names[0], str(regular)))
    pdfmetrics.registerFont(TTFont(names[1], str(bold)))
    return Fonts(names[0], names[1], regular, bold)


def register_fonts(settings: dict | None = None) -> Fonts:
    """Find and register the regular and bold fonts with ReportLab, once per process."""
    global _registered
    if _registered is None:
        _registered = _register((settings or load_print_settings())["fonts"], "",
                                (REGULAR, BOLD))
    return _registered


def register_form_fonts(settings: dict | None = None) -> Fonts:
    """The narrower face printed forms use (``form_regular``), registered once per process.

    Forms must fit one A4 side at 9 pt; an Arial-metric face (Liberation Sans) leaves room
    that DejaVu Sans does not. Without a ``form_regular`` list the documents' face is used.
    """
    global _form_registered
    if _form_registered is None:
        _form_registered = _register((settings or load_print_settings())["fonts"], "form_",
                                     (FORM_REGULAR, FORM_BOLD))
    return _form_registered

"""Liberation Serif 2.x, the Times New Roman-compatible serif of official documents.

Decree 30/2020 sets documents in a Times New Roman-style Unicode serif. Debian's
``fonts-liberation2`` has one with the same metrics and the Vietnamese letters (the older
``fonts-liberation`` 1.07 lacks U+1EA0-1EF9). Both builders use the same four files: the PDF
embeds subsets of them, the DOCX embeds them whole so the file can be edited anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FAMILY = "Liberation Serif"
DEBIAN_PACKAGE = "fonts-liberation2"
FACES = {"regular": "LiberationSerif-Regular.ttf", "bold": "LiberationSerif-Bold.ttf",
         "italic": "LiberationSerif-Italic.ttf", "bold_italic": "LiberationSerif-BoldItalic.ttf"}
# ReportLab names of the four faces; the PDF names the fonts after their PostScript names.
PDF_NAMES = {"regular": "DocSerif", "bold": "DocSerif-Bold", "italic": "DocSerif-Italic",
             "bold_italic": "DocSerif-BoldItalic"}
SEARCH_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation",
               "/usr/share/fonts/truetype", "/usr/local/share/fonts", "/usr/share/fonts")
# Every vowel with every tone mark, the extra letters, and the capitals of the motto.
VIETNAMESE = "ăâđêôơưĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵỘỦỆẢ"


class FontMissingError(RuntimeError):
    """Liberation Serif 2.x (with Vietnamese letters) is not installed."""


@dataclass(frozen=True)
class SerifFaces:
    """The four font files of the family, by face name."""

    paths: dict

    def data(self, face: str) -> bytes:
        """The TrueType file of one face."""
        return Path(self.paths[face]).read_bytes()


def covers(path: Path, letters: str = VIETNAMESE) -> bool:
    """True if the TrueType file at ``path`` has a glyph for every one of ``letters``."""
    from reportlab.pdfbase.ttfonts import TTFError, TTFont
    try:
        face = TTFont("probe", str(path)).face
    except (TTFError, OSError):
        return False
    return all(ord(ch) in face.charToGlyph for ch in letters)


def _find(name: str, dirs) -> Path | None:
    for d in dirs:
        p = Path(d) / name
        if p.is_file() and covers(p):
            return p
    for d in dirs:
        if Path(d).is_dir():
            for p in sorted(Path(d).rglob(name)):
                if covers(p):
                    return p
    return None


@lru_cache(maxsize=4)
def serif_faces(dirs: tuple[str, ...] = SEARCH_DIRS) -> SerifFaces:
    """The four Liberation Serif 2.x files; FontMissingError naming the package to install."""
    found = {face: _find(name, dirs) for face, name in FACES.items()}
    missing = [FACES[face] for face, path in found.items() if path is None]
    if missing:
        raise FontMissingError(
            f"Không tìm thấy phông chữ {FAMILY} 2.x có đủ chữ tiếng Việt ({', '.join(missing)}) "
            f"trong {', '.join(dirs)}. Hãy cài gói Debian '{DEBIAN_PACKAGE}' "
            f"(apt-get install {DEBIAN_PACKAGE}).")
    return SerifFaces({face: str(path) for face, path in found.items()})


_registered = False


def register_pdf_fonts() -> dict:
    """Register the four faces with ReportLab as one family (so <b> and <i> pick real faces);
    returns face -> ReportLab font name."""
    global _registered
    if not _registered:
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        faces = serif_faces()
        for face, name in PDF_NAMES.items():
            pdfmetrics.registerFont(TTFont(name, faces.paths[face]))
        for bold, italic, face in ((0, 0, "regular"), (1, 0, "bold"), (0, 1, "italic"),
                                   (1, 1, "bold_italic")):
            addMapping(PDF_NAMES["regular"], bold, italic, PDF_NAMES[face])
        _registered = True
    return dict(PDF_NAMES)


def text_width_cm(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Width of one line of ``text`` in the serif at ``size`` points, in centimetres."""
    from reportlab.pdfbase import pdfmetrics
    names = register_pdf_fonts()
    face = ("bold_italic" if bold and italic else "bold" if bold else
            "italic" if italic else "regular")
    return pdfmetrics.stringWidth(text, names[face], size) * 2.54 / 72

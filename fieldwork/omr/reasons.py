"""Why a file or page was not read, in the user's language (codes come from the pure reader)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

REASONS = {
    "unreadable_file": _l("The file could not be read"),
    "unsupported_type": _l("Not a PDF, TIFF, PNG or JPEG file"),
    "corrupt_file": _l("The file is damaged or truncated"),
    "encrypted_pdf": _l("The PDF is password protected"),
    "empty_file": _l("The file has no pages"),
    "too_large": _l("The image is too large (refused before decoding)"),
    "too_small": _l("The image is too small to be a scanned page"),
    "too_many_pages": _l("Too many pages in one file"),
    "blank_page": _l("Blank page"),
    "no_qr": _l("No readable QR code: not a form of this system, or the code is damaged"),
    "foreign_qr": _l("The QR code is not a fieldwork form code"),
    "bad_mac": _l("The QR code's integrity check failed (forged or altered code)"),
    "no_corner_marks": _l("The four corner marks were not all found"),
    "not_located": _l("The page could not be located: its answer boxes were not found"),
    "bad_page": _l("The page number in the QR code does not exist in the form"),
    "layout_mismatch": _l("The QR code does not match the printed layout"),
    "unknown_survey": _l("The form belongs to a survey unknown to this system"),
    "other_survey": _l("The form belongs to another survey than this batch"),
    "unknown_serial": _l("No print batch issued this serial"),
    "version_mismatch": _l("The QR code does not match the print records of this serial"),
    "pilot_in_live": _l("A pilot (trial) sheet in a live batch"),
    "live_in_pilot": _l("A live sheet in a pilot batch"),
    "no_layout": _l("The layout file of this print batch is missing"),
    "internal_error": _l("The page could not be processed (internal error, logged)"),
    "duplicate": _l("This sheet page was already read"),
    # Whole files taken from a watched inbox (``omr/inbox``).
    "incomplete_file": _l("The file was never finished: it stopped changing but is still "
                          "incomplete"),
    "not_regular_file": _l("Not a plain file (a link, a device or a folder)"),
    "too_large_file": _l("The file is larger than the station accepts"),
    "duplicate_file": _l("The same file was already read"),
    "nothing_read": _l("No page of the file could be read"),
    "all_blank": _l("Every page of the file is blank"),
    "reading_failed": _l("Reading the file failed"),
    "reading_given_up": _l("Reading was started several times and stopped each time before "
                           "the end (its worker stopped), so it was given up: the file may be "
                           "very large or damaged. Pages already read are kept; read it again, "
                           "or split the file."),
    "void_serial": _l("The sheet was printed again for its dossier; this old serial is void"),
    "other_agency": _l("The sheet was printed for another agency than this batch's"),
}


def reason_label(code: str | None) -> str:
    """The reason code in the user's language (the code itself if unknown)."""
    if not code:
        return ""
    return str(REASONS.get(code, code))


ANSWER_STATUS = {
    "ok": _l("read"),
    "blank": _l("blank"),
    "multiple": _l("several marks"),
    "doubtful": _l("doubtful"),
}


def answer_status_label(code: str | None) -> str:
    """An answer's reading status (ok, blank, multiple, doubtful) in the user's language."""
    return str(ANSWER_STATUS.get(code or "", code or ""))


# Why the reader doubted (or how it read) an answer: the judge's notes, for the people who
# verify. A grid's note is "digit " + the note of its column.
NOTE_LABELS = {
    "two marks": _l("two boxes marked"),
    "second mark": _l("a second, lighter mark"),
    "light": _l("a light mark"),
    "stray stroke": _l("a stroke running across the box"),
    "ring": _l("ringed"),
    "ring other": _l("another option ringed"),
    "ring over mark": _l("a ring reaching a marked box"),
    "ink near": _l("ink near the box"),
    "beside": _l("marked beside the box"),
    "beside other": _l("a mark beside another option"),
    "tick into next": _l("a tick running into the next box"),
    "cancelled": _l("a box crossed out"),
    "correction": _l("corrected: another option chosen"),
    "cross": _l("marked with a cross"),
    "rubbed out": _l("a rubbed-out pencil mark beside"),
    "not visible": _l("hidden or outside the scan"),
    "alignment": _l("the printed boxes are not where expected"),
    "empty page": _l("most of the page blank (light pencil may be lost)"),
    "pencil lost": _l("light pencil on a one-bit scan: this mark may be lost"),
    "pencil trace": _l("read from what a light pencil left on a one-bit scan"),
    "missed box": _l("a mark beside the box"),
    "gap": _l("a digit left out in the middle"),
    "incomplete date": _l("an incomplete date"),
    "short": _l("too few digits for this number"),
    "doubtful": _l("uncertain"),
}


def note_label(note: str | None) -> str:
    """The reader's note on an answer in the user's language (unknown notes as they are)."""
    if not note:
        return ""
    if note.startswith("digit "):
        inner = note.removeprefix("digit ")
        return str(_l("digit grid: %(what)s", what=note_label(inner)))
    return str(NOTE_LABELS.get(note, note))

"""Respondents' phone and citizen ID read from scans: encrypted at rest, masked when shown.

A contact question's reading is stored twice: ``values`` holds a masked copy (first two
and last three digits of a phone, last three of an ID, ``x`` elsewhere; ``?`` where a
position is unsure) and ``secret`` the encrypted plain reading with its box rows (the
marked boxes of a digit grid spell the number).  Pages and crops show these to users
entitled to see contact data only; the printed rows of the grid are blacked out for
everyone else.
"""

from __future__ import annotations

import json

from ..privacy.mask import CONTACT_QUESTIONS as CONTACT

_KEEP = {"phone": (2, 3), "cid": (0, 3)}  # digits shown at the start and at the end


def is_contact(question: str) -> bool:
    """True for the questions whose answers are a respondent's contact data."""
    return question in CONTACT


def mask_values(question: str, values: list[str]) -> list[str]:
    """The digits of a contact reading with all but a few replaced by ``x``."""
    head, tail = _KEEP[CONTACT[question]]
    n = len(values)
    return [v if v == "?" or i < head or i >= n - tail else "x" for i, v in enumerate(values)]


def seal(question: str, values: list[str], boxes: list[dict]) -> tuple[list[str], str]:
    """The masked values and the encrypted token holding the plain values and box rows."""
    from ..privacy.crypto import encrypt

    token = encrypt(json.dumps({"values": list(values), "boxes": boxes}))
    return mask_values(question, list(values)), token


def unseal(token: str | None) -> dict:
    """The plain reading ``{"values": [...], "boxes": [...]}`` of a token (empty if none)."""
    from ..privacy.crypto import decrypt

    if not token:
        return {"values": [], "boxes": []}
    return json.loads(decrypt(token))


def public_box(row: dict) -> dict:
    """A box row without what it reveals (darkness, marked): geometry only."""
    return {k: row[k] for k in ("question", "option", "position", "x", "y", "w", "h")
            if k in row}


def may_see(user, survey_id: int | None) -> bool:
    """Whether ``user`` may see the contact data of scans of this survey.

    Only holders of the contact-data right: a re-check officer's access is limited to the
    sheets of a re-check draw, which the scanning pages do not deal with.
    """
    from ..privacy.access import has_grant

    return survey_id is not None and has_grant(user, survey_id)


def declared_areas(page) -> list[tuple[float, float, float, float]] | None:
    """The contact areas (points) the layout of a scanned page declares: the written digits
    and the bubbles of its phone and citizen-ID grids; None for a layout without them."""
    from ..extensions import db
    from ..forms.models import PrintBatch
    from .operations import _layout

    printed = db.session.get(PrintBatch, page.print_batch_id) if page.print_batch_id else None
    if printed is None or not page.page_no:
        return None
    try:
        pages = _layout(printed.layout_path).get("pages") or []
    except (OSError, ValueError):
        return None
    if not 1 <= page.page_no <= len(pages) or "contact_areas" not in pages[page.page_no - 1]:
        return None
    return [(a["x"], a["y"], a["w"], a["h"]) for a in pages[page.page_no - 1]["contact_areas"]]

"""Masked display of phone numbers and citizen IDs (pure)."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\D")
# 9 to 12 digits, possibly grouped by single spaces, dots or dashes ("0905 123 456",
# "0905.123.456", "048-012-345-678"): a phone number or a citizen ID written into free text.
_NUMBER_RUN = re.compile(r"(?<![\d])\d(?:[ .\-]?\d){8,11}(?![\d])")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
EMAIL_MASK = "xxx@xxx"


def mask_phone(value: str | None) -> str:
    """``0912345123`` -> ``09xx xxx 123``: the network prefix and last three digits only."""
    digits = _DIGITS.sub("", value or "")
    if not digits:
        return ""
    if len(digits) < 6:
        return "x" * len(digits)
    return f"{digits[:2]}xx xxx {digits[-3:]}"


def mask_cid(value: str | None) -> str:
    """``001234567890`` -> ``xxx xxx xxx 890``: the last three digits only."""
    digits = _DIGITS.sub("", value or "")
    if not digits:
        return ""
    if len(digits) < 6:
        return "x" * len(digits)
    return "xxx xxx xxx " + digits[-3:]


def mask_numbers(text: str) -> str:
    """Mask every run of 9-12 digits (a phone number or citizen ID) to its last three."""
    return _NUMBER_RUN.sub(lambda m: mask_cid(m.group(0)), text)


def mask_free_text(text: str) -> str:
    """Free text with its phone numbers, citizen IDs and e-mail addresses masked."""
    return mask_numbers(_EMAIL.sub(EMAIL_MASK, text)) if text else text


MASKERS = {"phone": mask_phone, "cid": mask_cid}

# Questionnaire codes that carry contact data, and the kind of each (one table for the
# scanning station, keyed entry and exports).
CONTACT_QUESTIONS = {"phone": "phone", "citizen_id": "cid"}

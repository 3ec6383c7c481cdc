"""Masked display of phone numbers and citizen IDs (pure)."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\D")


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


MASKERS = {"phone": mask_phone, "cid": mask_cid}

# Questionnaire codes that carry contact data, and the kind of each (one table for the
# scanning station, keyed entry and exports).
CONTACT_QUESTIONS = {"phone": "phone", "citizen_id": "cid"}

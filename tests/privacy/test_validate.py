"""Phone and citizen-ID cells: one parser in privacy.validate, used by every file import."""

from __future__ import annotations

import pytest

from fieldwork.frames.fields import frame_fields
from fieldwork.imports.results import result_fields
from fieldwork.privacy.validate import normalise_phone, parse_cid, parse_phone

AGENCIES = [(1, "UBND phường Bến Nghé")]


def _by_name(specs) -> dict:
    return {f.name: f for f in specs}


def test_cell_parsers_normalise_and_report_in_words(app):
    with app.test_request_context():
        assert parse_phone("+84 912.345-678") == "0912345678"
        assert parse_cid("0790 1234 5678") == "079012345678"
        with pytest.raises(ValueError, match="10") as bad:
            parse_phone("0912 345")
        assert type(bad.value) is ValueError  # the importers' contract: a plain ValueError
        with pytest.raises(ValueError, match="12"):
            parse_cid("07901234")
        with pytest.raises(ValueError):
            normalise_phone("abc")


def test_frames_and_results_share_the_privacy_parsers(app):
    with app.test_request_context():
        frames = _by_name(frame_fields(AGENCIES, [(1, "TP", "Tư pháp")]))
        results = _by_name(result_fields(AGENCIES))
    assert frames["phone"].parse is results["phone"].parse is parse_phone
    assert frames["cid"].parse is results["cid"].parse is parse_cid

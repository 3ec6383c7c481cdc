"""The online / call-centre results file: its fields and the row rule (pure)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from .parsers import agency_parser, parse_date, parse_satisfied, parse_text
from .reasons import reason_parser
from .tabular import FieldSpec


def result_fields(agencies: Iterable[tuple[int, str]], *, keyed: bool = False,
                  letters: dict[str, str] | None = None) -> list[FieldSpec]:
    """Field specs for a results file; with ``keyed`` only the source id identifies a row.
    Reasons are read by their text; letters only through ``letters`` {letter: code}."""
    return [
        FieldSpec("agency", str(_l("Agency")), agency_parser(agencies),
                  synonyms=("agency", "co quan", "don vi", "co quan don vi", "agency code",
                            "ma co quan", "ma don vi"), identity=not keyed),
        FieldSpec("date", str(_l("Date")), parse_date,
                  synonyms=("ngay", "ngay danh gia", "ngay khao sat", "response date",
                            "thoi gian"), identity=not keyed),
        FieldSpec("satisfied", str(_l("Satisfied")), parse_satisfied,
                  synonyms=("hai long", "danh gia", "ket qua", "muc do hai long", "satisfaction"),
                  identity=not keyed),
        FieldSpec("reasons", str(_l("Reasons")), reason_parser(letters), required=False,
                  synonyms=("ly do", "ly do chua hai long", "reason"), identity=not keyed),
        FieldSpec("comment", str(_l("Comment")), parse_text(2000), required=False,
                  synonyms=("y kien", "gop y", "y kien khac", "comments"), identity=not keyed),
        FieldSpec("source_id", str(_l("Record id in the source system")), parse_text(64),
                  required=False, synonyms=("id", "ma", "ma phieu", "record id", "ma ban ghi",
                                            "ma cuoc goi", "call id"), identity=keyed),
    ]


def row_rule(values: dict) -> dict[str, str]:
    """Reasons belong only to answers that are not satisfied."""
    if values.get("satisfied") and values.get("reasons"):
        return {"reasons": str(_l("Reasons are given but the answer is “satisfied”."))}
    return {}

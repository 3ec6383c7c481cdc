"""A results file of another source (city online software, call centre 1022, a declared
source): its fields and the row rule (pure)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from ..privacy.validate import parse_cid, parse_phone
from .parsers import agency_parser, parse_date, parse_satisfied, parse_text
from .reasons import reason_parser
from .tabular import FieldSpec


def result_fields(agencies: Iterable[tuple[int, str]], *, keyed: bool = False,
                  letters: dict[str, str] | None = None) -> list[FieldSpec]:
    """Field specs for a results file; with ``keyed`` the file's record id identifies a row
    (within that file: the caller salts the fingerprint with the file's hash). Phone and
    citizen ID are never part of a fingerprint (a hash of a phone number is guessable).
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
        FieldSpec("dossier_code", str(_l("Dossier code")), parse_text(64), required=False,
                  synonyms=("ma ho so", "so ho so", "dossier", "dossier code", "ma hs"),
                  identity=not keyed),
        FieldSpec("phone", str(_l("Phone")), parse_phone, required=False,
                  synonyms=("so dien thoai", "dien thoai", "sdt", "phone"), identity=False),
        FieldSpec("cid", str(_l("Citizen ID")), parse_cid, required=False,
                  synonyms=("cccd", "can cuoc", "so cccd", "can cuoc cong dan", "so dinh danh",
                            "citizen id"), identity=False),
        FieldSpec("record_id", str(_l("Record id in the source system")), parse_text(64),
                  required=False, synonyms=("id", "ma", "ma phieu", "record id", "ma ban ghi",
                                            "ma cuoc goi", "call id"), identity=keyed),
    ]


def row_rule(values: dict) -> dict[str, str]:
    """Reasons belong only to answers that are not satisfied."""
    if values.get("satisfied") and values.get("reasons"):
        return {"reasons": str(_l("Reasons are given but the answer is “satisfied”."))}
    return {}

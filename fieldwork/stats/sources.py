"""Where answers come from: sources (who ran the survey) and channels (how it was answered).

Decision 2223 (seed 002, III.1) has three mechanisms with three owners: the city's online
survey software (tablets at the desks, counter QR codes, the web; its own minimum sample and
its own re-check), the operations centre's AI call centre 1022, and the independent survey
the contractor runs on paper under the six steps. The independent survey exists to check
the others (agencies rating themselves, IV.1.a), so every answer carries its source, the
contractor's figures are the independent survey's own, and the others are shown beside
them, never pooled silently. A survey may declare further imported sources (e.g. SIPAS).

Pure: names, labels and the channel -> source map; the declared sources of a survey are
read by ``declared`` (the only database access here).
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

INDEPENDENT, CITY_ONLINE, CALL_CENTRE = "independent", "city_online", "call_centre"
BUILTIN = (INDEPENDENT, CITY_ONLINE, CALL_CENTRE)
# Channels of the built-in sources. Imported rows of a declared source have channel
# ``imported``; imports of the city software's results have channel ``online``.
CHANNELS_OF = {
    INDEPENDENT: ("paper_omr", "paper_keyed", "interview"),
    CITY_ONLINE: ("online", "kiosk"),
    CALL_CENTRE: ("call_centre",),
}
IMPORTED = "imported"
CHANNELS = (*CHANNELS_OF[INDEPENDENT], *CHANNELS_OF[CITY_ONLINE], *CHANNELS_OF[CALL_CENTRE],
            IMPORTED)
CHANNEL_SOURCE = {c: s for s, cs in CHANNELS_OF.items() for c in cs}
# Sources whose results arrive as files (``fieldwork import-results``): the built-in ones
# and any the survey declares; the independent survey's answers are sheets, never files.
IMPORTABLE = (CITY_ONLINE, CALL_CENTRE)
IMPORT_CHANNEL = {CITY_ONLINE: "online", CALL_CENTRE: "call_centre"}
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")

SOURCE_LABELS = {
    INDEPENDENT: _l("Independent survey (contractor)"),
    CITY_ONLINE: _l("City online survey software"),
    CALL_CENTRE: _l("Call centre 1022"),
}
SOURCE_OWNERS = {
    INDEPENDENT: _l("the independent survey contractor, under the six steps"),
    CITY_ONLINE: _l("the city's online survey software (tablets, counter QR codes, web)"),
    CALL_CENTRE: _l("the operations centre's AI call centre 1022"),
}
# Vietnamese wording for printed reports and the public page (always Vietnamese).
SOURCE_LABELS_VI = {
    INDEPENDENT: "Khảo sát độc lập (đơn vị khảo sát)",
    CITY_ONLINE: "Phần mềm khảo sát trực tuyến của thành phố",
    CALL_CENTRE: "Tổng đài 1022 (AI Call Center)",
}
CHANNEL_LABELS = {
    "paper_omr": _l("Paper, scanned"), "paper_keyed": _l("Paper, keyed"),
    "interview": _l("Interview by the contractor"), "online": _l("Online survey"),
    "kiosk": _l("Kiosk at the one-stop desk"), "call_centre": _l("Call centre"),
    IMPORTED: _l("Imported file"),
}
CHANNEL_LABELS_VI = {
    "paper_omr": "Phiếu giấy (quét)", "paper_keyed": "Phiếu giấy (nhập tay)",
    "interview": "Phỏng vấn trực tiếp/qua điện thoại", "online": "Khảo sát trực tuyến",
    "kiosk": "Máy tính bảng tại Bộ phận một cửa", "call_centre": "Tổng đài",
    IMPORTED: "Tệp nhập",
}


def source_of(channel: str) -> str | None:
    """The built-in source of a channel (None for ``imported``: its source is declared)."""
    return CHANNEL_SOURCE.get(channel)


def check_name(name: str) -> str:
    """A declared source's name: lower-case letters, digits and _ (2-40), not built in."""
    name = (name or "").strip().lower()
    if not NAME_RE.fullmatch(name):
        raise ValueError("a source name is 2-40 lower-case letters, digits or _, starting "
                         "with a letter (e.g. sipas_2026)")
    if name in BUILTIN:
        raise ValueError(f"'{name}' is a built-in source; it needs no declaring")
    return name


def order(names) -> list[str]:
    """Source names in display order: the built-in ones first, then declared ones by name."""
    names = set(names)
    return [s for s in BUILTIN if s in names] + sorted(names - set(BUILTIN))


def label(name: str, declared: dict | None = None, vietnamese: bool = False) -> str:
    """A source's label: built-in wording, else the label the survey declared, else its name."""
    if name in SOURCE_LABELS:
        return SOURCE_LABELS_VI[name] if vietnamese else str(SOURCE_LABELS[name])
    found = (declared or {}).get(name)
    return (found or {}).get("label") or name


def declared(survey) -> dict[str, dict]:
    """The sources ``survey`` declared: name -> {label, owner, note}."""
    from sqlalchemy import select

    from ..extensions import db
    from .models import SurveySource
    return {s.name: {"label": s.label, "owner": s.owner, "note": s.note}
            for s in db.session.scalars(select(SurveySource).where(
                SurveySource.survey_id == survey.id).order_by(SurveySource.name))}


def known(survey) -> list[str]:
    """Every source name valid for ``survey``: built in, then declared."""
    return order([*BUILTIN, *declared(survey)])

"""Online answers for the integrity report: the pure detectors of ``rules`` over a survey's
stored answers, and the dossiers answered in more than one channel (counted once)."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..privacy.access import reveal
from ..timeutil import aware
from .models import OnlineResponse
from .rules import ResponseFacts, online_signals


@dataclass
class Item:
    """One answer as the integrity table lists it (a sheet-like row)."""

    serial_text: str
    agency: object
    state_label: str
    enumerator: object = None


def _item(r: OnlineResponse) -> Item:
    prefix = "web" if str(r.channel) == "online" else "kiosk"
    when = format_datetime(aware(r.created_at), "dd/MM/yyyy HH:mm")
    return Item(f"{prefix}-{r.id}", r.agency,
                f"{r.channel_label}, {when}" + (f", {r.dossier_code}" if r.dossier_code else ""))


def signal_rows(survey_id: int) -> list[tuple[str, list[Item], str, str]]:
    """(kind, items, masked contact, details) of every online signal of a survey."""
    responses = {r.id: r for r in db.session.scalars(select(OnlineResponse).where(
        OnlineResponse.survey_id == survey_id))}
    facts = [ResponseFacts(id=r.id, created_at=aware(r.created_at), agency_id=r.agency_id,
                           channel=str(r.channel), device=r.device_hash, phone=r.phone_hash,
                           dossier=r.dossier_code, satisfied=r.satisfied)
             for r in responses.values()]
    out = []
    for sig in online_signals(facts):
        members = [responses[i] for i in sig.response_ids]
        contact = ""
        if sig.kind == "online_phone_many":
            contact = reveal("phone", members[0].phone_enc, False)
            text = _("%(n)d answers, %(d)d dossiers, %(a)d agencies", n=len(members),
                     d=sig.detail["dossiers"], a=sig.detail["agencies"])
        elif sig.kind == "online_device_burst":
            text = _("%(n)d answers between %(a)s and %(b)s", n=sig.detail["count"],
                     a=format_datetime(sig.detail["start"], "dd/MM/yyyy HH:mm"),
                     b=format_datetime(sig.detail["end"], "HH:mm"))
        else:
            text = _("%(n)d answers, all in office hours, all satisfied", n=sig.detail["count"])
        out.append((sig.kind, [_item(r) for r in members], contact, text))
    return out


def record_text(serial) -> str:
    """A dataset row's serial as people read it: a paper sheet's as printed (00000007), an
    online or imported answer's record key as the export names it (web-12, call_centre-3)."""
    from ..forms.models import format_serial

    return format_serial(serial) if isinstance(serial, int) else str(serial)


def duplicate_rows(survey) -> list[tuple[str, list[Item], str, str]]:
    """(kind, items, '', details) of each dossier answered again within one source (the
    later answer kept, not counted) and of each dossier answered in several sources (every
    answer counted in its own source: an integrity signal, nothing removed)."""
    from ..stats.dataset import dataset
    from ..stats.filters import Filter
    from ..stats.sources import CHANNEL_LABELS, label

    data = dataset(survey, Filter(combined=True))

    def channel(name):
        return CHANNEL_LABELS.get(name, name)

    out = []
    for d in data.duplicates:
        first = d["counted_as"]
        items = [Item(record_text(first["serial"]), None, _("%(c)s, counted", c=channel(
                     first["channel"]))),
                 Item(record_text(d["serial"]),
                      SimpleNamespace(name=d["agency"]) if d["agency"] else None,
                      _("%(c)s, not counted (kept)", c=channel(d["channel"])))]
        what = _("Dossier %(code)s", code=d["dossier"]) if d["dossier"] else _(
            "Same phone and citizen ID")
        out.append(("dossier_twice", items, "", f"{what} · {label(d['source'], data.declared)}"))
    for o in data.overlaps:
        items = [Item(record_text(a["serial"]),
                      SimpleNamespace(name=a["agency"]) if a["agency"] else None,
                      _("%(s)s, %(c)s: %(answer)s", s=label(a["source"], data.declared),
                        c=channel(a["channel"]), answer=_("satisfied") if a["satisfied"]
                        else _("not satisfied") if a["satisfied"] is False else "—"))
                 for a in o["answers"]]
        text = _("Dossier %(code)s", code=o["dossier"])
        if o["disagree"]:
            text += " · " + _("the sources disagree")
        out.append(("dossier_sources", items, "", text))
    return out

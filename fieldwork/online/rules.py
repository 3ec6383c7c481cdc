"""Pure rules of self-completion: device and kiosk keys, rate limits, integrity signals.

No Flask and no database here: the operations and the integrity report pass plain values.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
WINDOW = timedelta(hours=24)
# Answers without a dossier code: at most this many per phone number and per device in 24 h.
PHONE_PER_DAY = 3
DEVICE_PER_DAY = 5
# A kiosk tablet is shared by everyone at the desk: only an implausible pace is refused.
KIOSK_PER_HOUR = 60
# Integrity signals (shown to the manager; nothing is refused or removed by them).
PHONE_MANY_DOSSIERS = 3  # one phone answering for this many dossiers
BURST_WINDOW = timedelta(minutes=10)
BURST_MIN = 5  # online answers from one device inside BURST_WINDOW
OFFICE_MIN = 5  # online answers from one device, all in office hours and all satisfied
OFFICE_HOURS = (time(7, 0), time(17, 30))


def keyed_hash(secret: str, purpose: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` for ``purpose`` under the app secret (hex)."""
    return hmac.new(secret.encode(), f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()


def device_hash(secret: str, token: str) -> str:
    """What is stored of a device's random cookie id: its keyed hash, never the id."""
    return keyed_hash(secret, "device", token)


def kiosk_key(secret: str, survey_code: str, agency_id: int) -> str:
    """The key in a kiosk address (20 hex): a tablet set up by the manager, not a phone."""
    return keyed_hash(secret, "kiosk", f"{survey_code}|{agency_id}")[:20]


def kiosk_key_ok(secret: str, survey_code: str, agency_id: int, key: str) -> bool:
    """Whether ``key`` is the kiosk key of that survey and agency (constant time)."""
    return hmac.compare_digest(kiosk_key(secret, survey_code, agency_id), key or "")


def over_limit(times: Iterable[datetime], now: datetime, limit: int,
               window: timedelta = WINDOW) -> bool:
    """True when ``limit`` or more of ``times`` fall inside ``window`` before ``now``."""
    return sum(1 for t in times if now - t < window) >= limit


def in_office_hours(at: datetime) -> bool:
    """Monday-Friday, 07:00-17:30 Vietnam time (when a one-stop desk is staffed)."""
    local = at.astimezone(LOCAL)
    return local.weekday() < 5 and OFFICE_HOURS[0] <= local.time() <= OFFICE_HOURS[1]


@dataclass(frozen=True)
class ResponseFacts:
    """What the detectors need to know about one self-completed answer."""

    id: int
    created_at: datetime
    agency_id: int
    channel: str
    device: str
    phone: str | None = None
    dossier: str | None = None
    satisfied: bool | None = None


@dataclass
class OnlineSignal:
    """One finding over online answers: its kind, the answers concerned and details."""

    kind: str
    response_ids: list[int]
    detail: dict = field(default_factory=dict)


def phone_many(facts: Iterable[ResponseFacts],
               min_dossiers: int = PHONE_MANY_DOSSIERS) -> list[OnlineSignal]:
    """One phone answering for ``min_dossiers`` dossiers or more, or for several agencies."""
    groups: dict[str, list[ResponseFacts]] = defaultdict(list)
    for f in facts:
        if f.phone:
            groups[f.phone].append(f)
    out = []
    for phone, rows in sorted(groups.items()):
        dossiers = {r.dossier for r in rows if r.dossier}
        agencies = {r.agency_id for r in rows}
        if len(dossiers) >= min_dossiers or len(agencies) > 1:
            out.append(OnlineSignal("online_phone_many", sorted(r.id for r in rows),
                                    {"hash": phone, "dossiers": len(dossiers),
                                     "agencies": len(agencies)}))
    return out


def _online_by_device(facts: Iterable[ResponseFacts]) -> dict[str, list[ResponseFacts]]:
    groups: dict[str, list[ResponseFacts]] = defaultdict(list)
    for f in facts:
        if f.channel == "online":  # a kiosk is one device for many people by design
            groups[f.device].append(f)
    return {d: sorted(rows, key=lambda r: r.created_at) for d, rows in sorted(groups.items())}


def device_bursts(facts: Iterable[ResponseFacts], window: timedelta = BURST_WINDOW,
                  min_count: int = BURST_MIN) -> list[OnlineSignal]:
    """``min_count`` or more online answers from one device within ``window`` (the widest
    such run per device)."""
    out = []
    for rows in _online_by_device(facts).values():
        best: list[ResponseFacts] = []
        start = 0
        for end in range(len(rows)):
            while rows[end].created_at - rows[start].created_at > window:
                start += 1
            if end - start + 1 > len(best):
                best = rows[start:end + 1]
        if len(best) >= min_count:
            out.append(OnlineSignal("online_device_burst", [r.id for r in best],
                                    {"count": len(best), "start": best[0].created_at,
                                     "end": best[-1].created_at}))
    return out


def office_hours_satisfied(facts: Iterable[ResponseFacts],
                           min_count: int = OFFICE_MIN) -> list[OnlineSignal]:
    """One online device with ``min_count`` or more answers, every one in office hours and
    every one satisfied: what staff evaluating themselves at their desk looks like."""
    out = []
    for rows in _online_by_device(facts).values():
        if (len(rows) >= min_count and all(r.satisfied is True for r in rows)
                and all(in_office_hours(r.created_at) for r in rows)):
            out.append(OnlineSignal("online_office_satisfied", [r.id for r in rows],
                                    {"count": len(rows)}))
    return out


def online_signals(facts: list[ResponseFacts]) -> list[OnlineSignal]:
    """Every online signal of a survey's self-completed answers."""
    return phone_many(facts) + device_bursts(facts) + office_hours_satisfied(facts)

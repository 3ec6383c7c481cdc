"""The one filter of every figure: which source (or the named combined view), channels,
agency, field and dates. Statistics, exports, reports, the dashboard, its charts and the
public page all pass a ``Filter`` to ``dataset.dataset``; the CLI's ``stats`` and ``export``
take the same options and build it with ``parse_filter``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from . import sources as src
from .breakdowns import parse_date


class FilterError(ValueError):
    """A filter that cannot be applied (unknown name, reversed dates...); the message says
    what to change."""


@dataclass(frozen=True)
class Filter:
    """What the dataset keeps. ``source`` None is the headline (the independent survey)
    unless ``combined`` asks, by name, for every source pooled."""

    source: str | None = None
    channels: tuple[str, ...] = ()
    agency: str | None = None  # agency name, as rows carry it
    field: str | None = None  # field name, as rows carry it
    date_from: date | None = None
    date_to: date | None = None
    combined: bool = False

    @property
    def view(self) -> str:
        """The source whose rows are the headline of this view ("combined" when pooled)."""
        return "combined" if self.combined else (self.source or src.INDEPENDENT)

    @property
    def narrows(self) -> bool:
        """Whether anything beyond the source is asked (channels, agency, field, dates)."""
        return bool(self.channels or self.agency is not None or self.field is not None
                    or self.date_from is not None or self.date_to is not None)

    def key(self) -> tuple:
        """A hashable key (the cache key part of this filter)."""
        return (self.view, tuple(sorted(self.channels)), self.agency, self.field,
                self.date_from, self.date_to)

    def to_dict(self) -> dict:
        """JSON-ready: what ``fieldwork stats --json`` reports under ``view.filter``."""
        d = asdict(self)
        d["channels"] = list(self.channels)
        for k in ("date_from", "date_to"):
            d[k] = d[k].isoformat() if d[k] else None
        d["source"] = None if self.combined else self.view
        return d

    def same_but(self, **changes) -> Filter:
        """This filter with some parts changed (e.g. another source, no channels)."""
        d = {k: getattr(self, k) for k in ("source", "channels", "agency", "field",
                                            "date_from", "date_to", "combined")}
        d.update(changes)
        return Filter(**d)

    def keeps(self, row) -> bool:
        """Whether a row (of any source) passes the channel, agency, field and date parts."""
        if self.channels and row["channel"] not in self.channels:
            return False
        if self.agency is not None and row["agency"] != self.agency:
            return False
        if self.field is not None and row["field"] != self.field:
            return False
        if self.date_from is not None or self.date_to is not None:
            day = row.get("date")
            if day is None:
                return False
            if self.date_from is not None and day < self.date_from.isoformat():
                return False
            if self.date_to is not None and day > self.date_to.isoformat():
                return False
        return True


def _day(text: str | None, option: str) -> date | None:
    if text in (None, ""):
        return None
    found = parse_date(str(text))
    if found is None:
        raise FilterError(f"{option} '{text}' is not a date; write dd/mm/yyyy or yyyy-mm-dd")
    return found


def _agency(text: str) -> str:
    from sqlalchemy import func, select

    from ..directory.models import Agency
    from ..extensions import db
    text = text.strip()
    found = db.session.get(Agency, int(text)) if text.isdigit() else None
    found = found or db.session.scalar(select(Agency).where(
        func.lower(Agency.name) == text.lower()))
    if found is None:
        raise FilterError(f"unknown agency '{text}' (give its name or its number)")
    return found.name


def _field(text: str) -> str:
    from sqlalchemy import func, or_, select

    from ..directory.models import Field
    from ..extensions import db
    text = text.strip()
    found = db.session.scalar(select(Field).where(or_(
        func.lower(Field.code) == text.lower(), func.lower(Field.name) == text.lower())))
    if found is None:
        raise FilterError(f"unknown field '{text}' (give its code, e.g. HT, or its name)")
    return found.name


def check_view(known: list[str], source: str | None, channels, combined: bool
               ) -> tuple[str | None, tuple[str, ...]]:
    """The source and channels of a view, checked against the survey's ``known`` sources.

    Channels alone name their source ("online" -> city_online); channels of two sources
    need ``combined``; a declared source's rows all have the channel ``imported``.
    """
    channels = tuple(dict.fromkeys(c.strip() for c in channels if c and c.strip()))
    unknown = [c for c in channels if c not in src.CHANNELS]
    if unknown:
        raise FilterError(f"unknown channel(s) {', '.join(unknown)}; channels are "
                          + ", ".join(src.CHANNELS))
    if source is not None:
        source = source.strip().lower()
        if source not in known:
            raise FilterError(f"'{source}' is not a source of this survey; its sources are "
                              + ", ".join(known) + " (declare others with "
                              "`fieldwork sources declare`)")
    if combined and source is not None:
        raise FilterError("choose one view: --source NAME or --combined, not both")
    if combined or not channels:
        return source, channels
    owners = {src.source_of(c) for c in channels if c != src.IMPORTED}
    if src.IMPORTED in channels and (source is None or source in src.BUILTIN):
        raise FilterError("the channel 'imported' belongs to declared sources; give --source "
                          "NAME of one of them")
    if source is None:
        if len(owners) > 1:
            raise FilterError("these channels belong to different sources ("
                              + ", ".join(sorted(o for o in owners if o)) + "); look at one "
                              "source at a time, or ask for --combined")
        source = owners.pop() if owners else None
    def belongs(channel: str) -> bool:
        if channel == src.IMPORTED:
            return source not in src.BUILTIN
        return src.source_of(channel) == source

    wrong = [c for c in channels if not belongs(c)]
    if wrong:
        raise FilterError(f"channel(s) {', '.join(wrong)} do not belong to the source "
                          f"'{source}'; its channels are "
                          + ", ".join(src.CHANNELS_OF.get(source, (src.IMPORTED,))))
    return source, channels


def parse_filter(survey, options: dict) -> Filter:
    """A ``Filter`` from user input: {source, channel(s) (list or comma text), agency (name
    or id), field (code or name), from, to (dd/mm/yyyy or ISO), combined}.

    Raises ``FilterError`` with a message naming the option to fix; nothing is guessed.
    """
    channels = options.get("channels", options.get("channel")) or ()
    if isinstance(channels, str):
        channels = channels.split(",")
    source, channels = check_view(src.known(survey), options.get("source") or None,
                                  channels, bool(options.get("combined")))
    date_from = _day(options.get("from"), "--from")
    date_to = _day(options.get("to"), "--to")
    if date_from and date_to and date_from > date_to:
        raise FilterError(f"the dates are reversed: --from {date_from:%d/%m/%Y} is after "
                          f"--to {date_to:%d/%m/%Y}")
    agency = options.get("agency")
    field_ = options.get("field")
    return Filter(source=source, channels=channels,
                  agency=_agency(str(agency)) if agency not in (None, "") else None,
                  field=_field(str(field_)) if field_ not in (None, "") else None,
                  date_from=date_from, date_to=date_to, combined=bool(options.get("combined")))

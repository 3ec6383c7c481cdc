"""Properties of the dataset (issues 17 and 18) over generated surveys: answers of every
source, dossiers answered more than once within and across sources, any filter.

Counting once drops nothing silently and never crosses sources; a filter keeps exactly the
rows it names; the sources partition the combined view; the statistics' n and satisfied are
the rows answering the overall question; the export table has one row per dataset row,
whatever the options. The generated rows are plain ``Row``s built here from the sources'
channel lists, not from the database reader the code under test is fed by.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldwork.stats import sources as src
from fieldwork.stats.dataset import _row_order, count_once, overlaps, select_view
from fieldwork.stats.export_table import build_table
from fieldwork.stats.filters import Filter
from fieldwork.stats.rows import Row
from fieldwork.stats.summary import summarise

from .budget import examples

DECLARED = "sipas_2026"
KNOWN = [*src.BUILTIN, DECLARED]
AGENCIES = ["Sở Tư pháp", "Sở Y tế", "Phường Hải Châu"]
FIELDS = ["Hộ tịch", "Đất đai", None]
DAY0 = date(2026, 1, 1)
CHANNELS = {**src.CHANNELS_OF, DECLARED: (src.IMPORTED,)}


@st.composite
def answers(draw):
    """One answer: its source and a channel of that source, agency, field, day, a dossier
    code from a small pool (so repeats happen), or phone and ID, or nothing to match by."""
    source = draw(st.sampled_from(KNOWN))
    by = draw(st.sampled_from(["dossier", "contact", "none"]))
    ident = draw(st.integers(0, 7))
    match = {"dossier": f"d:HS-{ident}", "contact": f"p:ph{ident % 3}:id{ident}",
             "none": None}[by]
    return {"source": source, "channel": draw(st.sampled_from(CHANNELS[source])),
            "agency": draw(st.sampled_from(AGENCIES)), "field": draw(st.sampled_from(FIELDS)),
            "date": (DAY0 + timedelta(days=draw(st.integers(0, 60)))).isoformat(),
            "satisfied": draw(st.sampled_from([True, False, None])), "match": match,
            "dossier": match[2:] if by == "dossier" else None}


def survey_rows(raw: list[dict]) -> list[Row]:
    return [Row(serial=i + 1, version=1, reasons=[], **a) for i, a in enumerate(raw)]


@st.composite
def filters(draw):
    """Any filter the options can ask for (channels only of the view's source, as the
    options check)."""
    combined = draw(st.booleans())
    source = None if combined else draw(st.sampled_from([None, *KNOWN]))
    own = CHANNELS[source or src.INDEPENDENT] if not combined else src.CHANNELS
    channels = tuple(draw(st.lists(st.sampled_from(own), unique=True, max_size=2)))
    days = sorted(draw(st.lists(st.integers(0, 60), min_size=2, max_size=2)))
    dated = draw(st.booleans())
    return Filter(source=source, channels=channels, combined=combined,
                  agency=draw(st.sampled_from([None, *AGENCIES])),
                  field=draw(st.sampled_from([None, *FIELDS[:2]])),
                  date_from=DAY0 + timedelta(days=days[0]) if dated else None,
                  date_to=DAY0 + timedelta(days=days[1]) if dated else None)


SURVEYS = st.lists(answers(), max_size=60).map(survey_rows)


@settings(max_examples=examples(150))
@given(rows=SURVEYS)
def test_counting_once_drops_nothing_and_stays_within_a_source(rows):
    counted, later = count_once(rows)
    assert len(counted) + len(later) == len(rows)
    assert sorted(r.serial for r in counted) == sorted(
        {r.serial for r in rows} - {d["serial"] for d in later})
    keys = [(r.source, r.match) for r in counted if r.match]
    assert len(keys) == len(set(keys))  # once within a source
    by_serial = {r.serial: r for r in rows}
    for d in later:
        me, first = by_serial[d["serial"]], by_serial[d["counted_as"]["serial"]]
        assert (me.source, me.match) == (first.source, first.match)
        assert _row_order(first) <= _row_order(me)  # the earliest answer counts
    # Across sources nothing is removed: a dossier answered in two sources counts in both.
    per_source = Counter((r.source, r.dossier) for r in counted if r.dossier)
    crossing = {code for (_s, code) in per_source
                if len({s for (s, c) in per_source if c == code}) > 1}
    assert {o["dossier"] for o in overlaps(counted)} == crossing


@settings(max_examples=examples(200))
@given(rows=SURVEYS, flt=filters())
def test_a_filter_keeps_exactly_what_it_names_and_sources_partition_the_pool(rows, flt):
    counted, later = count_once(rows)
    view, others, dups, _kept = select_view(counted, later, overlaps(counted), flt, KNOWN)
    names = set(KNOWN) if flt.combined else {flt.view}
    wanted = [r for r in counted if r.source in names and flt.keeps(r)]
    assert [r.serial for r in view] == [r.serial for r in wanted]
    assert all(d["source"] in names and flt.keeps(d) for d in dups)
    # Every source's own view, under the same narrowing, adds up to the combined view.
    wide = flt.same_but(channels=(), source=None, combined=False)
    pool = select_view(counted, later, [], wide.same_but(combined=True), KNOWN)[0]
    parts = [select_view(counted, later, [], wide.same_but(source=s), KNOWN)[0]
             for s in KNOWN]
    assert sorted(r.serial for p in parts for r in p) == sorted(r.serial for r in pool)
    if not flt.combined:
        for s, beside in others.items():
            assert s not in names
            assert [r.serial for r in beside] == [r.serial for r in parts[KNOWN.index(s)]]


@settings(max_examples=examples(120))
@given(rows=SURVEYS, flt=filters())
def test_statistics_n_and_the_export_rows_agree_for_any_options(rows, flt):
    counted, later = count_once(rows)
    view = select_view(counted, later, overlaps(counted), flt, KNOWN)[0]
    stats = summarise(view)
    answered = [r for r in view if r.satisfied is not None]
    assert stats["overall"]["n"] == len(answered)
    assert stats["overall"]["satisfied"] == sum(r.satisfied for r in answered)
    assert sum(a["n"] for a in stats["agencies"]) == len(answered)
    table = build_table([], [{"serial": r.serial, "version": 1, "agency": r.agency,
                              "field": r.field, "channel": r.channel, "source": r.source,
                              "date": r.date, "satisfied": r.satisfied, "answers": {}}
                             for r in view])
    assert len(table.rows) == len(view)
    exported = [t for t in table.rows if t["satisfied"] is not None]
    assert len(exported) == stats["overall"]["n"]
    assert sum(int(t["satisfied"]) for t in exported) == stats["overall"]["satisfied"]
    assert Counter(t["source"] for t in table.rows) == Counter(r.source for r in view)

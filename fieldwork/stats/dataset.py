"""The analysis dataset of a survey: one row per approved sheet (and imported response).

Only ``load_rows`` reads the database; everything else works on plain lists of dicts so
every figure can be recomputed from a frozen dataset, named by ``snapshot_id``.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from .breakdowns import (
    answer_date,
    comment_texts,
    comments_by_agency,
    normalise_name,
    period_rates,
    procedure_rates,
    row_date,
)
from .compare import achieved_margin, rank_agencies, sample_adequacy
from .criteria import (
    aspect_indices,
    criteria,
    group_rates,
    merge_layouts,
    profile,
    sipas_index,
)
from .criteria import layout as questionnaire_layout
from .proportions import rate_entry, row_flag, satisfaction_rate
from .scales import reason_frequencies

CHANNELS = ("paper_omr", "paper_keyed", "online", "kiosk", "call_centre")
# Overall satisfaction items of the built-in templates: code -> satisfied codes.
OVERALL_ITEMS = {"q01": ("yes",), "overall": ("4", "5")}
REASON_ITEMS = ("q02",)


def overall_item(questions) -> tuple[str, tuple[str, ...]] | None:
    """The overall satisfaction question of a questionnaire and its satisfied codes."""
    codes = {q.code for q in questions}
    for code, satisfied in OVERALL_ITEMS.items():
        if code in codes:
            return code, satisfied
    return None


def satisfied_flag(answers: dict, item: tuple[str, tuple[str, ...]] | None) -> bool | None:
    """True/False from the overall item's first value; None when blank, N/A or no such item."""
    if item is None:
        return None
    values = answers.get(item[0]) or []
    value = values[0] if values else None
    if value in (None, "", "na"):
        return None
    return value in item[1]


def sheet_row(sheet: dict, item, reason_code: str | None, lay: dict | None = None) -> dict:
    """One dataset row from a plain sheet dict (serial, version, agency, field, channel,
    answers, received).

    ``dossier`` is the dossier code written on the form (trimmed, upper case) or None.
    Besides the satisfied flag and reasons it keeps the procedure as written, the date
    (survey date on the form, else received), the 5-level ``items`` and the ``profile``
    answers of the layout ``lay`` (codes only), and the free-text comments, masked.
    """
    answers = sheet.get("answers", {})
    reasons = sorted(answers.get(reason_code) or []) if reason_code else []
    lay = lay or {}

    def first(code):
        values = answers.get(code) or []
        return values[0] if values and values[0] != "" else None

    return {"serial": sheet["serial"], "version": sheet.get("version"),
            "agency": sheet.get("agency"), "field": sheet.get("field"),
            "channel": sheet["channel"], "dossier": dossier_key(first("dossier_code")),
            "satisfied": satisfied_flag(answers, item),
            "reasons": reasons, "procedure": normalise_name(first("procedure")),
            "date": row_date(answer_date(answers.get("survey_date")), sheet.get("received")),
            "items": {i["code"]: first(i["code"]) for i in lay.get("items", [])},
            "profile": {p["code"]: first(p["code"]) for p in lay.get("profile", [])},
            "comments": comment_texts(answers)}


def dossier_key(code) -> str | None:
    """A dossier code as the frame stores it (trimmed, upper case), None when blank."""
    key = code.strip().upper() if isinstance(code, str) else ""
    return key or None


def _row_order(row: dict) -> tuple:
    """Earlier date first; on the same day the channel order (paper before online, kiosk and
    call centre), then the serial."""
    serial = row["serial"]
    return (row.get("date") or "9999-12-31", CHANNELS.index(row["channel"])
            if row["channel"] in CHANNELS else len(CHANNELS),
            (0, serial, "") if isinstance(serial, int) else (1, 0, str(serial)))


def count_once_per_dossier(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Rows counted (each dossier once, across channels) and the later duplicates.

    Rows without a dossier code are all counted. Of the rows sharing a dossier code the
    first (``_row_order``) is counted; the others come back as duplicates, each with
    ``counted_as`` naming the counted row's channel and serial: kept and reported, never
    dropped silently. Counted rows keep their input order.
    """
    first_seen: dict = {}
    groups: dict = {}  # only dossiers seen more than once
    for i, r in enumerate(rows):
        key = r.get("dossier")
        if not key:
            continue
        if key in first_seen:
            groups.setdefault(key, [first_seen[key]]).append(i)
        else:
            first_seen[key] = i
    later: dict[int, dict] = {}
    for members in groups.values():
        members.sort(key=lambda i: _row_order(rows[i]))
        first = rows[members[0]]
        for i in members[1:]:
            later[i] = {"serial": rows[i]["serial"], "channel": rows[i]["channel"],
                        "dossier": rows[i]["dossier"], "agency": rows[i]["agency"],
                        "date": rows[i]["date"],
                        "counted_as": {"serial": first["serial"], "channel": first["channel"],
                                       "date": first["date"]}}
    if not later:
        return list(rows), []
    counted = [r for i, r in enumerate(rows) if i not in later]
    duplicates = sorted(later.values(), key=lambda d: (d["dossier"], str(d["serial"])))
    return counted, duplicates


def form_reason(code: str) -> str:
    """An imported reason letter ("a".."g", "dd") as the form's code ("reason_a"); "other" stays."""
    return code if code == "other" or code.startswith("reason_") else f"reason_{code}"


def canonical_json(rows: list[dict]) -> str:
    """The dataset as canonical JSON (sorted keys, rows in a stable order)."""
    ordered = sorted(rows, key=lambda r: (r["channel"], str(r["serial"])))
    return json.dumps(ordered, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def snapshot_id(rows: list[dict]) -> str:
    """sha256 of the canonical JSON: the same rows always give the same id."""
    return hashlib.sha256(canonical_json(rows).encode("utf-8")).hexdigest()


def filter_channels(rows: list[dict], channels) -> list[dict]:
    """Rows of the given channels (all when ``channels`` is empty)."""
    if not channels:
        return list(rows)
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown channel(s): {', '.join(sorted(unknown))}")
    return [r for r in rows if r["channel"] in channels]


def _flags(rows: list[dict]) -> list:
    return [row_flag(r) for r in rows]


def rates(rows: list[dict], key: str, populations: dict | None = None) -> dict:
    """``satisfaction_rate`` of the satisfied flag per distinct ``key`` value, in row order."""
    groups: dict = defaultdict(list)
    for r in rows:
        groups[r[key]].append(r)
    populations = populations or {}
    return {g: satisfaction_rate(_flags(rs), population=populations.get(g))
            for g, rs in groups.items()}


def summarise(rows: list[dict], population: int | None = None,
              agency_populations: dict | None = None, required: dict | None = None,
              reason_codes=None, thresholds=(0.80, 0.90), layout: dict | None = None) -> dict:
    """Overall rate, agencies (ranked), reasons, fields, channels and adequacy of a dataset;
    with the questionnaire ``layout`` (``criteria.layout``) also the 5-level criteria and
    aspect indices, the respondent profile and groups; periods, procedures and comments.

    Parts a dataset has nothing for are empty (lists, dicts) or None, never missing.
    """
    overall = satisfaction_rate(_flags(rows), population=population)
    by_agency = rates(rows, "agency", agency_populations)
    reasons = reason_frequencies([r["reasons"] for r in rows], reason_codes)
    required = required or {}
    agencies = []
    for row in rank_agencies(by_agency, thresholds):
        name, n = row["agency"], row["n"]
        pop = (agency_populations or {}).get(name)
        extra = {"below": row["below"], "rank": row["rank"]}
        if n and (pop is None or pop >= n):
            extra["margin_achieved"] = achieved_margin(n, pop)
        if name in required:
            extra["adequacy"] = sample_adequacy(n, required[name])
        agencies.append({"agency": name, "n": n, "satisfied": row["satisfied"],
                         "rate": row["rate"], "ci95": list(row["ci95"]), **extra})
    unrated = [{"agency": a, "n": 0, "satisfied": 0, "rate": None, "ci95": None}
               for a, r in by_agency.items() if r.rate is None]
    # Agencies in scope without any answer yet still show their shortfall.
    agencies += [{"agency": a, "n": 0, "satisfied": 0, "rate": None, "ci95": None,
                  "adequacy": sample_adequacy(0, k)}
                 for a, k in required.items() if a not in by_agency]
    out = {"overall": {"n": overall.n, "satisfied": overall.satisfied, "rate": overall.rate,
                       "ci95": list(overall.ci95) if overall.ci95 else None,
                       "blank": overall.blank, "sheets": len(rows)},
           "agencies": agencies + unrated,
           "reasons": [{"code": c, "count": k} for c, k in reasons],
           "fields": _plain(rates(rows, "field")),
           "channels": _plain(rates(rows, "channel"))}
    if overall.n and (population is None or population >= overall.n):
        out["overall"]["margin_achieved"] = achieved_margin(overall.n, population)
    out.update(details(rows, layout))
    return out


def details(rows: list[dict], layout: dict | None = None) -> dict:
    """Criteria, aspects (with the SIPAS index), profile, groups, periods, procedures and
    comments of the rows (the part of ``summarise`` beyond rates, reasons and ranking)."""
    layout = layout or {}
    results = criteria(rows, layout.get("items", []))
    aspects = aspect_indices(results, layout.get("aspects", []))
    group = next((p for p in layout.get("profile", []) if p["code"] == layout.get("group")),
                 None)
    return {"criteria": results, "aspects": aspects, "sipas_index": sipas_index(aspects),
            "profile": profile(rows, layout.get("profile", [])),
            "groups": group_rates(rows, group), "periods": period_rates(rows),
            "procedures": procedure_rates(rows), "comments": comments_by_agency(rows)}


def _plain(by: dict) -> list[dict]:
    return [rate_entry(g, r) for g, r in by.items()]


# -- the thin database part -------------------------------------------------------------

def _sheet_dicts(survey) -> tuple[list[dict], dict]:
    """Approved sheets as plain dicts, and the reason codes of the reason question."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from ..directory.models import Field
    from ..entry.models import EntrySheet
    from ..entry.sources import approved_sheets
    from ..extensions import db

    fields = {f.id: f.name for f in db.session.scalars(select(Field))}
    out, specs = [], {}
    # Answers, agencies and versions in a few IN-batched queries, not one query per sheet
    # (selectinload keeps PostgreSQL on primary-key lookups, whatever its statistics say).
    query = approved_sheets(survey).options(
        selectinload(EntrySheet.answers), selectinload(EntrySheet.agency),
        selectinload(EntrySheet.version))
    for sheet in db.session.scalars(query):
        if sheet.version_id not in specs:
            qn = sheet.version.questionnaire
            questions = list(qn.questions())
            reason = next((q for q in questions if q.code in REASON_ITEMS), None)
            specs[sheet.version_id] = (overall_item(questions), reason, questionnaire_layout(qn),
                                       sheet.version.number)
        item, reason, lay, _ = specs[sheet.version_id]
        out.append(sheet_row({
            "serial": sheet.serial, "version": sheet.version.number,
            "agency": sheet.agency.name if sheet.agency else None,
            "field": fields.get(sheet.field_id),
            "channel": "paper_omr" if sheet.source == "omr" else "paper_keyed",
            "answers": {a.question: a.values for a in sheet.answers},
            "received": sheet.created_at}, item, reason.code if reason else None, lay))
    codes = next((r[1] for r in specs.values() if r[1] is not None), None)
    # The newest version's wording first; items only older versions had still count.
    newest = sorted(specs.values(), key=lambda s: -s[3])
    return out, {"reason_codes": [o.code for o in codes.options] if codes else None,
                 "layout": merge_layouts(s[2] for s in newest)}


def _imported(survey) -> list[dict]:
    from sqlalchemy import select

    from ..extensions import db
    from ..imports.models import ImportedResponse
    rows = db.session.scalars(select(ImportedResponse).where(
        ImportedResponse.survey_id == survey.id).order_by(ImportedResponse.id))
    return [{"serial": f"{r.channel}-{r.id}", "version": None, "agency": r.agency.name,
             "field": None, "channel": str(r.channel), "dossier": dossier_key(r.source_id),
             "satisfied": bool(r.satisfied),
             "reasons": sorted(form_reason(c) for c in r.reasons or []), "procedure": None,
             "date": row_date(None, r.response_date), "items": {}, "profile": {},
             "comments": []} for r in rows]


def _self_completed(survey) -> list[dict]:
    """Rows of the answers citizens gave themselves online or at a kiosk (``online``)."""
    from sqlalchemy import select

    from ..directory.models import Field
    from ..extensions import db
    from ..online.models import OnlineResponse

    fields = {f.id: f.name for f in db.session.scalars(select(Field))}
    specs: dict = {}
    out = []
    for r in db.session.scalars(select(OnlineResponse).where(
            OnlineResponse.survey_id == survey.id).order_by(OnlineResponse.id)):
        if r.version_id not in specs:
            questions = list(r.version.questionnaire.questions())
            reason = next((q for q in questions if q.code in REASON_ITEMS), None)
            specs[r.version_id] = (overall_item(questions), reason.code if reason else None,
                                   questionnaire_layout(r.version.questionnaire),
                                   r.version.number)
        item, reason, lay, number = specs[r.version_id]
        prefix = "web" if str(r.channel) == "online" else "kiosk"
        out.append(sheet_row({
            "serial": f"{prefix}-{r.id}", "version": number, "agency": r.agency.name,
            "field": fields.get(r.field_id), "channel": str(r.channel),
            "answers": r.answers or {}, "received": r.created_at}, item, reason, lay))
    return out


def load_rows(survey, channels=None) -> tuple[list[dict], dict]:
    """The survey's dataset rows of the given channels (all when none), each dossier counted
    once across all channels; ``meta["duplicates"]`` lists the later answers left out."""
    rows, meta = _sheet_dicts(survey)
    rows += _imported(survey) + _self_completed(survey)
    rows, duplicates = count_once_per_dossier(rows)
    meta["duplicates"] = [d for d in duplicates if not channels or d["channel"] in channels]
    return filter_channels(rows, channels), meta


def populations(survey) -> tuple[int | None, dict, dict]:
    """N of the survey, N per agency name, and the plan's required sample per agency name."""
    per_agency: dict = defaultdict(int)
    for s in survey.scope:
        per_agency[s.agency.name] += s.dossiers
    required: dict = defaultdict(int)
    from ..plans.progress import requirements
    for req in requirements(survey):
        if req.required is not None:
            required[req.scope.agency.name] += req.required
    total = survey.total_dossiers or None
    return total, {k: v for k, v in per_agency.items() if v}, dict(required)


def planned_margins(survey) -> dict:
    """The plan's margin of error per agency name, where the sample policy sets one (Slovin
    policies); an agency with several scope rows gets the largest of their margins."""
    from ..plans.progress import requirements
    out: dict = {}
    for req in requirements(survey):
        margin = req.result.params.get("margin") if req.result else None
        if margin is not None:
            name = req.scope.agency.name
            out[name] = max(out.get(name, 0.0), float(margin))
    return out


def with_planned_margins(stats: dict, margins: dict) -> dict:
    """Put each agency's planned margin beside the margin achieved (``margin_planned``)."""
    for a in stats["agencies"]:
        if a["agency"] in margins:
            a["margin_planned"] = margins[a["agency"]]
    return stats


def survey_statistics(survey, channels=None, thresholds=(0.80, 0.90)) -> dict:
    """Statistics of the survey's dataset with its snapshot id (what the CLI and page show)."""
    rows, meta = load_rows(survey, channels)
    total, per_agency, required = populations(survey)
    out = summarise(rows, total, per_agency, required, meta["reason_codes"], thresholds,
                    meta["layout"])
    with_planned_margins(out, planned_margins(survey))
    out["snapshot"] = snapshot_id(rows)
    out["survey"] = survey.code
    out["channels_used"] = sorted({r["channel"] for r in rows})
    out["duplicates"] = {"count": len(meta["duplicates"]), "rows": meta["duplicates"]}
    return out

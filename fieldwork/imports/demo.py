"""Demo content: results of the city's online software and of the call centre 1022 for
DEMO-2026, imported like real files, each under its own source."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

from sqlalchemy import select

from ..directory.models import Agency
from ..extensions import db
from ..plans.models import SurveyScope
from .operations import import_results
from .reasons import TEXTS

CHANNELS = {"online": 160, "call_centre": 120}
SOURCES = {"online": "city_online", "call_centre": "call_centre"}  # each file's source
# Reasons in words, as each source writes them (never letters: seed 002 letters them
# a, b, c, d, d, đ, e, g, e): the online software uses the seed's wording (variant 1 of
# ``reasons.TEXTS`` where it has its own typo or abbreviation), the call centre our form's.
WORDING = {"online": 1, "call_centre": 0}
REASONS = ["a", "b", "c", "d", "dd", "e", "f", "g"]


def _reason(code: str, channel: str) -> str:
    texts = TEXTS[code]
    return texts[WORDING[channel]] if len(texts) > 3 else texts[0]


def results_csv(agencies: list[str], n: int, seed: int, today: date,
                channel: str = "online", rate: float = 0.86, days: int = 150,
                dossiers: list[tuple[str, str]] | None = None) -> bytes:
    """A plausible results export: record id, agency, date (within ``days`` before
    ``today``), satisfied (about ``rate``), reasons in words; with ``dossiers`` (agency,
    dossier code) a dossier code column too, the first rows answering for those dossiers."""
    rng = random.Random(seed)
    buf = io.StringIO()
    out = csv.writer(buf)
    extra = ["Mã hồ sơ"] if dossiers is not None else []
    out.writerow(["Mã bản ghi", "Cơ quan", "Ngày", "Hài lòng", "Lý do", *extra])
    for i in range(n):
        ok = rng.random() < rate
        day = today - timedelta(days=rng.randint(1, days))
        agency = rng.choice(agencies)
        code = ""
        if dossiers is not None and i < len(dossiers):
            agency, code = dossiers[i]
        out.writerow([f"R{seed}-{i:05d}", agency, day.strftime("%d/%m/%Y"),
                      "Hài lòng" if ok else "Chưa hài lòng",
                      "" if ok else "; ".join(_reason(c, channel) for c in
                                              sorted(rng.sample(REASONS, rng.randint(1, 2)))),
                      *([code] if dossiers is not None else [])])
    return buf.getvalue().encode("utf-8-sig")


def load(survey, actor) -> None:
    """Import one file of the city's online software and one of the call centre."""
    names = list(db.session.scalars(select(Agency.name).join(
        SurveyScope, SurveyScope.agency_id == Agency.id).where(
        SurveyScope.survey_id == survey.id).order_by(Agency.name)))
    if not names:
        return
    for seed, (channel, n) in enumerate(CHANNELS.items(), 1):
        data = results_csv(names, n, seed, date.today(), channel)
        import_results(survey, io.BytesIO(data), {
            "name": f"{SOURCES[channel]}-{survey.code}.csv", "source": SOURCES[channel]}, actor)

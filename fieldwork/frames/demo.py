"""Demo content: DEMO-2026's frame (the one-stop system's list of dossiers returned) and a draw.

For the four agencies with the fewest dossiers in the plan, and for Sở Tư pháp and Phường Hải
Châu (whose sheets the paper demo prints: personalised for Sở Tư pháp's drawn dossiers, generic
with the ward's fields to tick), a list as a one-stop system exports it (Vietnamese headers,
dd/mm/yyyy dates, names, phones and citizen IDs, each dossier in one of the agency's own
fields, about one dossier in eight returned late), as many rows as the plan's N, is imported
through the same operation as an uploaded file; respondents are then drawn (seed 2026, late
dossiers first), so the frame page, the call list and the invitation lists have content. (A
whole city's 100,000 dossiers would add half a minute to ``fieldwork demo``; ``fieldwork bench
frame`` measures that.)

``field`` (once the online demo's citizens answered, which set their drawn dossiers'
outcomes by themselves) brings back the call centre's results on the call list: answered,
refused, not reachable after the plan's attempts, ineligible, or not called yet; the refused,
unreachable and ineligible dossiers are replaced by the next reserves of their strata.
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date, timedelta

from sqlalchemy import select

from ..auth.models import user_by_email as _user
from ..demo import DATA
from ..directory.models import Field
from ..errors import OperationError
from ..extensions import db
from .bench import GIVEN, MIDDLE, SURNAMES
from .lists import CALL_COLUMNS, call_rows, to_csv
from .operations import import_frame
from .operations_draw import active_draw, make_draw

AGENCIES = 4
ALSO = ("Sở Tư pháp", "Phường Hải Châu")
SEED = 2026


def dossier_list(agencies: list[tuple[str, int]], fields: list[str] | dict[str, list[str]],
                 seed: int) -> bytes:
    """A one-stop export (UTF-8 CSV with BOM) of ``n`` dossiers for each (agency, n).

    ``fields``: field codes for every agency, or per agency name (others get none).
    """
    rng = random.Random(seed)
    start = date(2026, 1, 5)
    procedures = {f["code"]: f["procedures"]
                  for f in json.loads(DATA.read_text(encoding="utf-8"))["fields"]}
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["Mã hồ sơ", "Cơ quan", "Lĩnh vực", "Thủ tục", "Ngày tiếp nhận",
                "Ngày hẹn trả", "Ngày trả kết quả", "Họ và tên", "Số điện thoại", "CCCD"])
    for k, (agency, n) in enumerate(agencies):
        for i in range(n):
            received = start + timedelta(days=rng.randrange(300))
            due = received + timedelta(days=rng.choice((3, 5, 7, 15)))
            late = rng.random() < 0.125
            returned = (due + timedelta(days=rng.randrange(1, 10)) if late else
                        received + timedelta(days=rng.randrange(0, (due - received).days + 1)))
            field = rng.choice(fields if isinstance(fields, list) else
                               fields.get(agency) or [""])
            w.writerow([f"000.{k:02d}.{i % 31:02d}.H17-{received:%y%m%d}-{i:05d}", agency,
                        field, rng.choice(procedures.get(field) or ["Thủ tục khác"]),
                        f"{received:%d/%m/%Y}", f"{due:%d/%m/%Y}", f"{returned:%d/%m/%Y}",
                        f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                        f"09{rng.randrange(10**8):08d}",
                        f"0{rng.randrange(10**11):011d}" if rng.random() < 0.7 else ""])
    return buf.getvalue().encode("utf-8-sig")


def load(survey, actor) -> None:
    """Import the dossier list of the smallest agencies in scope and draw from it."""
    scope = sorted((s for s in survey.scope if s.dossiers), key=lambda s: s.dossiers)
    picked = [(s.agency.name, s.dossiers) for s in scope[:AGENCIES]]
    picked += [(s.agency.name, s.dossiers) for s in scope[AGENCIES:] if s.agency.name in ALSO]
    known = set(db.session.scalars(select(Field.code)))
    fields = {a["name"]: [f for f in a.get("fields", []) if f in known] or sorted(known)
              for a in json.loads(DATA.read_text(encoding="utf-8"))["agencies"]}
    if not picked or not known:
        return
    data = dossier_list(picked, fields, SEED)
    import_frame(survey, io.BytesIO(data), {"name": "danh-sach-ho-so-mot-cua.csv"}, actor)
    db.session.flush()
    make_draw(survey, {"seed": SEED, "late_first": True}, actor)
    db.session.flush()


def field(survey, actor) -> None:
    """The call centre's results for the drawn dossiers, imported; replacements drawn."""
    from ..plans.steps import plan_of
    from .outcomes import import_outcomes, replace

    draw = active_draw(survey)
    manager = _user("quanly@demo.vn")
    if draw is None or manager is None:
        return
    rng = random.Random(SEED)
    attempts = plan_of(survey).contact_attempts
    rows = call_rows(draw, reveal=False)
    for row in rows:
        if row["reserve"] or row["outcome"]:
            continue  # a reserve is not called; an answer already arrived online
        r = rng.random()
        outcome = ("refused" if r < 0.10 else "not_reachable" if r < 0.18 else
                   "ineligible" if r < 0.21 else "answered" if r < 0.55 else "")
        row["outcome"] = outcome
        row["attempts"] = attempts if outcome == "not_reachable" else (
            rng.randint(1, 2) if outcome else "")
    import_outcomes(survey, io.BytesIO(to_csv(rows, CALL_COLUMNS)),
                    "ket-qua-tong-dai-1022.csv", manager)
    db.session.flush()
    for item in sorted(draw.items, key=lambda i: i.position):
        if item.in_sample and item.outcome is not None and item.outcome.value in (
                "refused", "not_reachable", "ineligible"):
            try:
                replace(item, manager)
            except OperationError:
                pass  # no reserve left in that stratum: it stays short, as in life

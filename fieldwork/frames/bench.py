"""``fieldwork bench frame``: import a large dossier list and draw from it, timed.

Runs in a throwaway SQLite database under a temporary folder (its own app), so it never
touches the instance: a synthetic one-stop export of N rows (20 agencies, 5 fields, names,
phones and citizen IDs, one in eight late) is checked (dry run), imported, re-imported (all
duplicates) and drawn from; the figures are wall times and the peak resident memory.
"""

from __future__ import annotations

import csv
import random
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ")
MIDDLE = ("Văn", "Thị", "Hữu", "Ngọc", "Minh", "Quốc", "Thanh")
GIVEN = ("Hoà", "Đức", "Tuyết", "Bảo", "Thuỷ", "Khôi", "Hương", "Lộc", "Nghĩa", "Yến")


def write_frame(path: Path, rows: int, agencies: list[str], fields: list[str],
                seed: int = 1) -> None:
    """A synthetic dossier list of ``rows`` rows (UTF-8 CSV) at ``path``."""
    rng = random.Random(seed)
    start = date(2026, 1, 5)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Mã hồ sơ", "Cơ quan", "Lĩnh vực", "Thủ tục", "Ngày tiếp nhận",
                    "Ngày hẹn trả", "Ngày trả kết quả", "Họ và tên", "Số điện thoại", "CCCD"])
        for i in range(rows):
            received = start + timedelta(days=rng.randrange(300))
            due = received + timedelta(days=rng.choice((3, 5, 7, 15)))
            late = rng.random() < 0.125
            returned = due + timedelta(days=rng.randrange(1, 10)) if late else \
                received + timedelta(days=rng.randrange(0, (due - received).days + 1))
            w.writerow([f"000.00.{i % 97:02d}.H17-{i:08d}", rng.choice(agencies),
                        rng.choice(fields), "Thủ tục hành chính số " + str(i % 300),
                        received.strftime("%d/%m/%Y"), due.strftime("%d/%m/%Y"),
                        returned.strftime("%d/%m/%Y"),
                        f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                        f"09{rng.randrange(10**8):08d}", f"{rng.randrange(10**12):012d}"])


def run(rows: int = 200_000, seed: int = 1) -> dict:
    """Import ``rows`` dossiers into a throwaway database, re-import them, draw; timings."""
    from cryptography.fernet import Fernet
    from flask_migrate import upgrade

    from .. import create_app
    from ..directory.models import Agency, AgencyKind, Field
    from ..extensions import db
    from ..plans.operations import add_scope, create_survey
    from .operations import import_frame
    from .operations_draw import apply_counts, make_draw

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                          "FIELDWORK_DATA_DIR": str(folder / "data"),
                          "FIELDWORK_DATA_KEY": Fernet.generate_key().decode(),
                          "TESTING": True})
        out: dict = {"rows": rows}
        with app.app_context():
            upgrade()
            names = [f"Sở Thử tải {k:02d}" for k in range(20)]
            agencies = [Agency(name=n, kind=AgencyKind.DEPARTMENT) for n in names]
            fields = [Field(code=f"B{k}", name=f"Lĩnh vực thử {k}") for k in range(5)]
            db.session.add_all(agencies + fields)
            survey = create_survey({"code": "BENCH-1", "title": "Thử tải", "year": 2026},
                                   "bench")
            for a in agencies:
                add_scope(survey, {"agency_id": a.id, "dossiers": 0}, "bench")
            db.session.commit()
            path = folder / "hoso.csv"
            t = time.perf_counter()
            write_frame(path, rows, names, [f.code for f in fields], seed)
            out["generate_s"] = round(time.perf_counter() - t, 1)
            out["file_mib"] = round(path.stat().st_size / 2**20, 1)
            for label, opts in (("dry_run_s", {"dry_run": True}), ("import_s", {}),
                                ("reimport_s", {})):
                t = time.perf_counter()
                with open(path, "rb") as fh:
                    report = import_frame(survey, fh, {"name": path.name, **opts}, "bench")
                db.session.commit()
                out[label] = round(time.perf_counter() - t, 1)
                out[label.replace("_s", "_added")] = report.added or report.new
            out["reimport_duplicates"] = report.duplicates
            t = time.perf_counter()
            apply_counts(survey, "bench")
            draw = make_draw(survey, {"seed": seed, "late_first": True}, "bench")
            db.session.commit()
            out["counts_and_draw_s"] = round(time.perf_counter() - t, 1)
            out["drawn"], out["reserves"] = draw.drawn, draw.reserves
            db.engine.dispose()
    out["max_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out

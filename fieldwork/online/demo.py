"""Demo content: citizens who answered DEMO-2026 on their phones (from the counter posters)
and on the one-stop desk's tablets, through the same operation as the public pages.

Online answers give drawn dossiers' codes; kiosk answers give a phone and citizen ID. An
answer the rules refuse (a limit) is not kept, as on the page.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..frames.models import FrameDossier, FrameDrawItem
from ..frames.operations_draw import active_draw
from .models import OnlineChannel
from .operations import AnswerRefused, newest_approved, submit_answer
from .rules import device_hash

ONLINE, KIOSK = 36, 18
REASONS = ["reason_a", "reason_b", "reason_c", "reason_d", "reason_e"]
COMMENTS = ["Cán bộ hướng dẫn nhiệt tình.", "Nên có thêm chỗ ngồi chờ.",
            "Trả kết quả đúng hẹn, cảm ơn.", ""]


def raw_answer(rng: random.Random, rate: float = 0.85, **who) -> dict:
    """What one citizen sends (satisfied with probability ``rate``); ``who`` identifies them."""
    ok = rng.random() < rate
    return {"dossier_code": "", "phone": "", "citizen_id": "", "procedure": "",
            "q01": "yes" if ok else "no",
            "q02": [] if ok else sorted(rng.sample(REASONS, rng.randint(1, 2))),
            "q02_other": "", "q03": rng.choice(COMMENTS), **who}


def load(survey, actor) -> None:
    """Nothing before the questionnaire is approved (the forms demo approves it at its end)."""


def finish(survey, actor) -> None:
    """Online answers for drawn dossiers and kiosk answers at the frame's agencies."""
    version = newest_approved(survey)
    draw = active_draw(survey)
    if version is None or draw is None:
        return
    rng = random.Random(2026)
    secret = current_app.config["SECRET_KEY"]
    start = datetime(2026, 6, 2, 2, 0, tzinfo=UTC)  # 9:00 in Hà Nội time
    drawn = db.session.execute(
        select(FrameDossier.code, FrameDossier.agency_id).join(
            FrameDrawItem, FrameDrawItem.dossier_id == FrameDossier.id)
        .where(FrameDrawItem.draw_id == draw.id, FrameDrawItem.reserve.is_(False))
        .order_by(FrameDrawItem.id).limit(ONLINE)).all()
    for n, (code, agency_id) in enumerate(drawn):
        at = start + timedelta(days=n * 2, hours=rng.randint(0, 9))
        submit(survey, agency_id, version.number, raw_answer(rng, dossier_code=code),
               OnlineChannel.ONLINE, device_hash(secret, f"demo-phone-{n}"), at)
    agencies = sorted({a for _c, a in drawn})
    for n in range(KIOSK):
        at = start + timedelta(days=n * 3, hours=rng.randint(0, 8), minutes=rng.randint(0, 59))
        who = {"phone": f"09{rng.randrange(10**8):08d}",
               "citizen_id": f"0{rng.randrange(10**11):011d}"}
        submit(survey, agencies[n % len(agencies)], version.number, raw_answer(rng, **who),
               OnlineChannel.KIOSK, device_hash(secret, f"demo-kiosk-{n % len(agencies)}"), at)
    db.session.flush()


def submit(survey, agency_id, number, raw, channel, device, at) -> None:
    """Store one answer as the page does; one the rules refuse is not kept (nothing saved)."""
    try:
        with db.session.begin_nested():
            submit_answer(survey, agency_id, number, raw, channel, device, at)
    except AnswerRefused:  # e.g. a limit: the demo keeps what the page would keep
        pass

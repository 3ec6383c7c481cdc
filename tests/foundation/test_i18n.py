"""Every user-facing string has a Vietnamese translation; numbers and dates follow the locale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_every_string_is_translated_to_vietnamese(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
                    "--no-location", "-o", str(pot), str(ROOT)],
                   check=True, capture_output=True, cwd=ROOT)
    with open(pot, "rb") as fh:
        wanted = {m.id for m in read_po(fh) if m.id}
    vi = {}
    for po in ROOT.glob("fieldwork/**/translations/vi/LC_MESSAGES/messages.po"):
        with open(po, "rb") as fh:
            vi.update({m.id: m for m in read_po(fh) if m.id and m.string and not m.fuzzy})
    missing = sorted(str(i) for i in wanted
                     if i not in vi or not vi[i].string or vi[i].fuzzy)
    assert not missing, "untranslated (run `make i18n`, then translate): " + "; ".join(missing)


def test_vietnamese_number_and_date_formats(app):
    with app.test_request_context("/"):
        from datetime import date
        num = app.jinja_env.filters["num"]
        assert num(4000) == "4.000"
        assert num(259.74) == "259,74"
        assert app.jinja_env.filters["pct"](0.8266) == "82,66%"
        assert app.jinja_env.filters["date"](date(2026, 1, 5)) == "05/01/2026"

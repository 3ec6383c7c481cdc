"""The README tells a newcomer what they need: the CLI's place, the port, every demo account
with its role, the sign-in limit, and no link that leads outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

from fieldwork.demo import DEMO_USERS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_demo_account_is_listed_with_its_role():
    for email, name, _roles, _agency in DEMO_USERS:
        line = next((x for x in README.splitlines() if f"`{email}`" in x and x.startswith("|")),
                    None)
        assert line is not None, f"{email} is not in the README's table of demo accounts"
        assert name in line and len(line.split("|")) >= 5


def test_how_to_reach_the_cli_the_port_and_the_sign_in_limit():
    assert ".venv/bin/fieldwork" in README and "source .venv/bin/activate" in README
    assert "make run PORT=" in README
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--port $(PORT)" in makefile and re.search(r"^PORT \?= 5000$", makefile, re.M)
    assert "5 failed sign-ins" in README and "15 minutes" in README


def test_no_link_outside_the_repository():
    for target in re.findall(r"\]\(([^)]+)\)", README) + re.findall(r"`([^`]*\.md)`", README):
        if target.startswith(("http://", "https://", "#")):
            continue
        assert not target.startswith(("/", "..")), target
        assert (ROOT / target.split("#")[0]).exists(), target

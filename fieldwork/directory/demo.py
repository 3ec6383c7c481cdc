"""Demo content: a few other names of the demo's agencies (former wards merged into them in
July 2025, the one-stop software's way of writing one), imported like a user's list."""

from __future__ import annotations

from pathlib import Path

ALIASES = Path(__file__).with_name("demo_aliases.csv")


def load(survey, actor) -> None:
    """Import the demo alias list (names are illustrative, not an official list)."""
    from .operations import import_aliases

    with open(ALIASES, "rb") as fh:
        report = import_aliases(fh, ALIASES.name, actor)
    if report.errors:  # the demo's own list must be clean
        raise RuntimeError("; ".join(report.errors))

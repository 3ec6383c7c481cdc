"""Response rates of a draw, by the AAPOR Standard Definitions (pure, no Flask).

Every drawn dossier in the sample (a reserve once it replaces one) is one case. Its outcome
maps to an AAPOR final disposition code:

==============================  =========  ==============================================
outcome                         AAPOR      counts as
==============================  =========  ==============================================
answered                        1.1        I   complete
answered in part                1.2        P   partial (the overall question left blank)
refused                         2.11       R   refusal
not reachable after attempts    2.20       NC  non-contact
ineligible                      4.10       --  not eligible: out of every denominator
no outcome yet                  3.10       UH  unknown eligibility, counted in full (e = 1)
==============================  =========  ==============================================

A dossier replaced by a reserve keeps its own code (it stays a refusal or a non-contact);
the reserve that replaces it is a new case with its own outcome.

RR1 = I / ((I + P) + (R + NC + O) + (UH + UO))
RR2 = (I + P) / ((I + P) + (R + NC + O) + (UH + UO))
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from fractions import Fraction

# outcome (None: no outcome yet) -> (AAPOR code, AAPOR group)
AAPOR = {
    "answered": ("1.1", "I"),
    "partial": ("1.2", "P"),
    "refused": ("2.11", "R"),
    "not_reachable": ("2.20", "NC"),
    "ineligible": ("4.10", "NE"),
    None: ("3.10", "UH"),
}
GROUPS = ("I", "P", "R", "NC", "O", "UH", "UO", "NE")


def groups(outcomes: Iterable[str | None]) -> Counter:
    """AAPOR group counts of the cases' outcomes (every group present, 0 when empty)."""
    out = Counter({g: 0 for g in GROUPS})
    for outcome in outcomes:
        key = str(outcome) if outcome is not None else None
        if key not in AAPOR:
            raise ValueError(f"unknown outcome {outcome!r}")
        out[AAPOR[key][1]] += 1
    return out


def rates(outcomes: Iterable[str | None]) -> dict:
    """{"cases", "groups", "rr1", "rr2"} of the cases (rates exact as Fractions; None when
    no eligible case can be counted)."""
    g = groups(outcomes)
    denominator = g["I"] + g["P"] + g["R"] + g["NC"] + g["O"] + g["UH"] + g["UO"]
    if not denominator:
        return {"cases": sum(g.values()), "groups": dict(g), "rr1": None, "rr2": None}
    return {"cases": sum(g.values()), "groups": dict(g),
            "rr1": Fraction(g["I"], denominator),
            "rr2": Fraction(g["I"] + g["P"], denominator)}

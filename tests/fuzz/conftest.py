"""Hypothesis profiles for the property and fuzz tests (issue 8).

CI (the default): ``fieldwork-ci``, derandomized, so every run tries the same examples and a
failure reproduces; no example database is written into the working tree. Each test picks a
small ``max_examples`` (``budget.examples``) so that ``pytest tests/fuzz`` stays well under
90 s. None of these tests touches the database, so the ``--postgres`` pass deselects them
(``tests/conftest.py`` keeps only tests with database fixtures there): they run once.

Long local run (random, many more examples, per-call time limit still enforced)::

    FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest -q -p no:cacheprovider tests/fuzz

``FUZZ_EXAMPLES`` selects the ``fieldwork-long`` profile (not derandomized, a fresh seed each
run; pass ``--hypothesis-seed=N`` to repeat one, Hypothesis prints the seed of a failure).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fieldwork-ci", derandomize=True, database=None, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "fieldwork-long", derandomize=False, database=None, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("fieldwork-long" if os.environ.get("FUZZ_EXAMPLES") else "fieldwork-ci")

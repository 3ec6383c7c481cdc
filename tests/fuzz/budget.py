"""Example counts and the per-call time limit shared by the fuzz tests.

``examples(n)`` is the CI count ``n`` unless ``FUZZ_EXAMPLES`` asks for more (a long local
run, see ``conftest.py``); ``within(seconds)`` fails a call that takes longer than the limit.
"""

from __future__ import annotations

import os
import signal
import time
from contextlib import contextmanager

PER_CALL_SECONDS = 5.0  # robustness bound per input (one page, one file): not a benchmark
HANG_FACTOR = 6  # the wall-clock alarm fires at this many times the limit


def examples(n: int) -> int:
    """``n`` examples in CI; ``FUZZ_EXAMPLES`` (if larger) for a long run."""
    try:
        wanted = int(os.environ.get("FUZZ_EXAMPLES", "0"))
    except ValueError:
        wanted = 0
    return max(n, wanted)


class TooSlow(AssertionError):
    """A call went past the per-call time limit."""


@contextmanager
def within(seconds: float = PER_CALL_SECONDS, what: str = "call"):
    """Run the block under a time limit: its CPU time must stay under ``seconds`` (CPU, not
    wall-clock, so a busy CI machine does not fail it), and a wall-clock alarm interrupts a
    Python-level hang at six times the limit."""
    def _alarm(signum, frame):
        raise TooSlow(f"{what} still running after {HANG_FACTOR * seconds:.0f} s (hang?)")

    use_alarm = hasattr(signal, "setitimer")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, HANG_FACTOR * seconds)
    started = time.process_time()
    try:
        yield
    finally:
        elapsed = time.process_time() - started
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    assert elapsed < seconds, f"{what} took {elapsed:.2f} s of CPU (limit {seconds:.0f} s)"

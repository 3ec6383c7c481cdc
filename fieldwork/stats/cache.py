"""Summaries cached per survey under its data revision (``revision.current``).

A key names the survey, its revision when the summary was made and the filter; a change to
the data raises the revision, so a stale summary is never found again (it ages out of the
LRU). Values are kept as JSON text and handed out freshly parsed, so callers may change
what they get, and the first caller sees exactly what later ones see (lists, not tuples).
Bytes made from a summary (a chart's PNG) are kept as they are (``remember_raw``), under a
key that carries the same revision, so a repeat view draws nothing.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

SIZE = 128  # summaries and the charts drawn from them (a page shows up to four)


class SummaryCache:
    """A small thread-safe LRU of statistics dicts, per process."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def _found(self, key):
        with self.lock:
            found = self.items.get(key)
            if found is None:
                self.misses += 1
                return None
            self.items.move_to_end(key)
            self.hits += 1
            return found

    def _keep(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def get(self, key):
        """A copy of the value under ``key``, or None."""
        found = self._found(key)
        return None if found is None else json.loads(found)

    def put(self, key, value) -> None:
        """Keep ``value`` (as JSON) under ``key``; the oldest entries go first."""
        self._keep(key, json.dumps(value, ensure_ascii=False, default=float))

    def remember(self, key, make):
        """The value under ``key``, made by ``make()`` and kept on a miss."""
        found = self.get(key)
        if found is not None:
            return found
        self.put(key, make())
        return self.get(key)

    def remember_raw(self, key, make):
        """An immutable value (bytes, a tuple of texts and bytes) under ``key``, handed out as
        kept (no copy), made by ``make()`` and kept on a miss."""
        found = self._found(key)
        if found is None:
            found = make()
            self._keep(key, found)
        return found

    @staticmethod
    def fresh(value):
        """``value`` as a cached one would come back (through JSON), without keeping it."""
        return json.loads(json.dumps(value, ensure_ascii=False, default=float))

    def clear(self) -> None:
        """Forget everything (tests)."""
        with self.lock:
            self.items.clear()
            self.hits = self.misses = 0


SUMMARIES = SummaryCache()

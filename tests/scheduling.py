"""Scheduling that honours ``xdist_group`` marks (with ``-n N`` alone or ``--dist loadgroup``).

pytest-xdist passes a test's group to the controller by appending ``@group`` to its node id;
pytest 9.2 made node ids structured and that write is lost, so groups are silently ignored
(pytest-dev/pytest-xdist#1386). Here the workers write down the groups they collected in the
run's folder and the controller's scheduler reads them: same marks, same meaning
(every test of a group on one worker, in collection order), and node ids left alone.
"""

from __future__ import annotations

import json

from xdist.scheduler import LoadScopeScheduling

from .isolation import run_dir, worker


def group_of(item) -> str | None:
    """The item's xdist group ('a_b' if it has several), or None."""
    names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                    for m in item.iter_markers("xdist_group")})
    return "_".join(names) or None


def record_groups(items) -> None:
    """Worker: write {node id: group} of the collected items for the controller."""
    groups = {item.nodeid: g for item in items if (g := group_of(item))}
    folder = run_dir() / "groups"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{worker()}.tmp"
    tmp.write_text(json.dumps(groups))
    tmp.replace(folder / f"{worker()}.json")


class GroupScheduling(LoadScopeScheduling):
    """Each group is one unit of work (biggest first); every other test is its own unit."""

    _groups: dict[str, str] | None = None

    def _split_scope(self, nodeid: str) -> str:
        if self._groups is None:
            self._groups = {}
            for path in sorted((run_dir() / "groups").glob("*.json")):
                self._groups.update(json.loads(path.read_text()))
        group = self._groups.get(nodeid)
        return f"group:{group}" if group else nodeid

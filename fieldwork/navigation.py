"""Navigation by role: feature packages register menu entries and start-page tasks here."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .auth.roles import ROLE_LABELS, RoleName


@dataclass(frozen=True)
class NavItem:
    """A menu entry shown to holders of any of ``roles``."""

    label: object
    endpoint: str
    roles: tuple[RoleName, ...]


NAV: list[NavItem] = [
    NavItem(_l("Agencies"), "directory.agencies", (RoleName.MANAGER, RoleName.HOME_AFFAIRS)),
    NavItem(_l("Fields"), "directory.fields", (RoleName.MANAGER, RoleName.HOME_AFFAIRS)),
    NavItem(_l("Users"), "auth.users", (RoleName.MANAGER,)),
    NavItem(_l("Audit log"), "audit.index", (RoleName.MANAGER, RoleName.HOME_AFFAIRS)),
]

TASKS: dict[RoleName, object] = {
    RoleName.MANAGER: _l("Draft the plan and questionnaire, print forms, assign quotas, "
                         "draft reports and answer comments."),
    RoleName.ENUMERATOR: _l("Attend training, collect forms, key paper forms and resolve "
                            "doubtful marks."),
    RoleName.SCANNER: _l("Upload scans, watch batches and re-scan rejected pages."),
    RoleName.HOME_AFFAIRS: _l("Appraise the plan, approve the questionnaire and appraise the "
                              "report."),
    RoleName.AGENCY: _l("Read your agency's draft results and file written comments."),
    RoleName.RECHECK: _l("Contact the drawn re-check sample and record outcomes."),
    RoleName.PUBLIC: _l("Read published survey reports."),
}


# Menu groups: entries whose endpoint's blueprint is listed here share a drop-down when a
# user sees two or more of them; any other entry stands alone in the bar.
GROUPS = {
    "directory": _l("Administration"), "auth": _l("Administration"),
    "audit": _l("Administration"), "privacy": _l("Administration"),
    "omr": _l("Data"), "entry": _l("Data"), "imports": _l("Data"), "frames": _l("Data"),
    "jobs": _l("Data"), "online": _l("Data"),
    "quality": _l("Quality control"),
}


def group_items(items: list[dict]) -> list[dict]:
    """Menu entries with those of a group gathered under it (groups at their first entry)."""
    out: list[dict] = []
    groups: dict[str, dict] = {}
    for item in items:
        label = GROUPS.get(item["endpoint"].split(".", 1)[0])
        if label is None:
            out.append(item)
            continue
        key = str(label)
        if key not in groups:
            groups[key] = {"label": label, "children": []}
            out.append(groups[key])
        groups[key]["children"].append(item)
    return [g["children"][0] if len(g.get("children", [None, None])) == 1 else g for g in out]


def register_nav(item: NavItem) -> None:
    """Add a menu entry (called by feature packages at import time)."""
    if item not in NAV:
        NAV.append(item)


def badges(user, endpoints: list[str]) -> dict[str, int]:
    """Each menu entry's count of waiting work; work whose own entry the user does not see
    counts on the waiting list's entry."""
    from .queues import WAITING_LIST, waiting
    out: dict[str, int] = {}
    for w in waiting(user):
        target = w.queue.nav if w.queue.nav in endpoints else WAITING_LIST
        out[target] = out.get(target, 0) + w.count
    return out


def init_navigation(app: Flask) -> None:
    """Expose ``nav_items``, ``role_tasks`` and ``role_label`` to templates."""

    def nav_items():
        if not current_user.is_authenticated:
            return []
        items = [{"label": i.label, "url": url_for(i.endpoint), "endpoint": i.endpoint}
                 for i in NAV if current_user.has_role(*i.roles)
                 and i.endpoint in app.view_functions]
        counts = badges(current_user, [i["endpoint"] for i in items])
        for item in items:
            item["badge"] = counts.get(item["endpoint"], 0)
        grouped = group_items(items)
        for item in grouped:
            if "children" in item:
                item["badge"] = sum(c["badge"] for c in item["children"])
        return grouped

    def role_tasks():
        return [TASKS[RoleName(n)] for n in sorted(current_user.role_names)]

    def role_label(name: str):
        return ROLE_LABELS[RoleName(name)]

    def has_endpoint(name: str) -> bool:
        return name in app.view_functions

    app.jinja_env.globals.update(nav_items=nav_items, role_tasks=role_tasks,
                                 role_label=role_label, has_endpoint=has_endpoint)

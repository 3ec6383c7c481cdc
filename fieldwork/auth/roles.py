"""The seven roles of the brief (section 2) and their labels."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class RoleName(enum.StrEnum):
    """A role a user may hold; one person may hold several."""

    MANAGER = "manager"
    ENUMERATOR = "enumerator"
    SCANNER = "scanner"
    HOME_AFFAIRS = "home_affairs"
    AGENCY = "agency"
    RECHECK = "recheck"
    PUBLIC = "public"


ROLE_LABELS = {
    RoleName.MANAGER: _l("Contractor manager"),
    RoleName.ENUMERATOR: _l("Enumerator"),
    RoleName.SCANNER: _l("Scanning operator"),
    RoleName.HOME_AFFAIRS: _l("Home Affairs reviewer"),
    RoleName.AGENCY: _l("Agency reviewer"),
    RoleName.RECHECK: _l("Re-check officer"),
    RoleName.PUBLIC: _l("Public"),
}


def parse_role(text: str) -> RoleName:
    """Return the RoleName for ``text`` or raise ValueError listing the valid names."""
    try:
        return RoleName(text.strip().lower())
    except ValueError:
        valid = ", ".join(r.value for r in RoleName)
        raise ValueError(f"unknown role '{text}'; valid roles: {valid}") from None

"""Every route that answers with an image passes through the contact-data rule (issue 15).

The URL map is walked with the objects of the route table's world (``route_world.py``): every
GET route is requested as the manager (no contact-data right) and as the re-check officer
(who holds a grant for the survey). A route whose answer is an image must be a view decorated
with ``omr.serving.contact_image`` (the redaction rule, ``private, no-store``) or be listed in
``NO_CONTACT_IMAGES`` with the reason its images cannot show a respondent's contact data. A
new image route fails here until it is one or the other.
"""

from __future__ import annotations

from fieldwork.omr.serving import NO_STORE

from ..conftest import login
from ..factories import PASSWORD
from .test_route_permissions import _targets, _url, rules

# endpoint: why its images never show contact data
NO_CONTACT_IMAGES = {
    "stats.chart": "charts of counted answers of a survey (no respondent appears)",
    "reports_public.chart": "the published report's charts (counted answers only)",
    "bootstrap.static": "the Bootstrap library's own files",
    "static": "the app's own static files (icons, scripts)",
}


def _images(app, world, column) -> dict[str, tuple[str, str]]:
    """{route key: (Content-Type, Cache-Control)} of every GET answer that is an image."""
    client = app.test_client()
    assert login(client, world.users[column].email, PASSWORD).status_code == 302
    found = rules(app)
    out = {}
    for key, endpoint, _row in _targets(app):
        if "GET" not in found[endpoint].methods or endpoint == "auth.logout":
            continue
        with client.get(_url(app, world, key, found[endpoint])) as resp:
            if resp.mimetype.startswith("image/"):
                out[key] = (resp.mimetype, resp.headers.get("Cache-Control", ""))
    return out


def test_every_image_route_passes_through_the_redaction_rule(app, client, db, factory,
                                                             monkeypatch):
    from .route_world import build_world

    world = build_world(app, db, factory, monkeypatch)
    found = rules(app)
    seen = {}
    for column in ("manager", "recheck", "scanner"):
        seen.update(_images(app, world, column))
    assert {"omr.page_image", "omr.crop", "omr.text_image"} <= set(seen), seen
    problems = []
    for key, (mimetype, cache) in sorted(seen.items()):
        endpoint = key.split(" ", 1)[0]
        view = app.view_functions[endpoint]
        if getattr(view, "contact_image", False):
            if cache != NO_STORE:
                problems.append(f"{key}: Cache-Control {cache!r}, not {NO_STORE!r}")
        elif endpoint not in NO_CONTACT_IMAGES:
            problems.append(f"{key} sends {mimetype} without omr.serving.contact_image and "
                            "is not in NO_CONTACT_IMAGES")
    assert not problems, "\n".join(problems)
    stale = [e for e in NO_CONTACT_IMAGES if e not in found and e != "static"]
    assert not stale, f"NO_CONTACT_IMAGES names routes the app no longer has: {stale}"

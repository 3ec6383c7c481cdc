"""Every route of the app as every role: the status each one gets, from one table (issue 8).

``TABLE`` names every endpoint of ``app.url_map`` (``static`` aside) with its methods and the
status per column of ``COLUMNS``: the seven roles of ``RoleName``, a reviewer of *another*
agency (``agency_other``: agency B, also in ST-1's scope, against agency A's objects) and
``anonymous``. An endpoint the app has and the table lacks fails the test, and so does a row
for an endpoint the app no longer has, or whose methods changed: a new route needs its row.
``VARIANTS`` adds rows for the same endpoints on other objects (another step, the synthesis
draft, an unpublished survey, ...), keyed ``"endpoint [what]"``.

What is asserted, per column, against real objects of one world (``route_world.py``):

* GET routes (``GET`` rows and the GET side of ``GET,POST`` forms) are requested and must
  answer exactly the cell. For ``anonymous`` every non-public route is ``302`` to ``/login``
  and every public one (``PUBLIC``: sign-in, language, health, assets, the published reports
  under ``/bao-cao-khao-sat/``) answers without signing in. ``302`` in other columns is the
  view's own redirect (e.g. a sheet already approved goes to its review page).
* POST-only routes: a column whose cell is a status is posted to **with a valid CSRF token**
  and an empty form, so the answer is the permission check and never CSRF's 400; the audit
  trail must not grow (the action was not performed). A cell ``ok`` is an allowed column: it
  is not posted to (it would act), only its place in the table is checked. The denied columns
  (302/403/404) of ``GET,POST`` forms are posted to the same way and must get their GET status.
* Nothing answers 500, for any column: exceptions propagate under TESTING, so they are caught
  and reported as 500 with the exception.

Object-level cells worth knowing: a Home Affairs reviewer reads the synthesis and field drafts
but not an agency's draft (403); a reviewer of agency B gets 403 on agency A's draft and its
attachment, and on a survey not covering agency B; unpublished objects are 404 on the public
pages for everyone.

The db fixtures are function-scoped, so the world is built once in one test that visits every
column in turn (15-30 s on SQLite or PostgreSQL). ``ROUTE_TABLE_DISCOVER=1 pytest -s ...``
prints the observed rows (for writing the row of a new route; check each cell before pasting
it).
"""

from __future__ import annotations

import os

from flask import url_for
from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.auth.roles import RoleName

from ..conftest import csrf_token, login
from ..factories import PASSWORD

ROLES = tuple(r.value for r in RoleName)
COLUMNS = ("manager", "enumerator", "scanner", "home_affairs", "agency", "agency_other",
           "recheck", "public", "anonymous")

# Routes anyone may use signed out (the rest send anonymous visitors to /login).
PUBLIC = {"auth.login", "auth.set_language", "main.healthz", "bootstrap.static",
          "reports_public.index", "reports_public.survey", "reports_public.chart",
          "reports_public.download", "online_public.answer", "online_public.thanks",
          "online_public.kiosk", "online_public.kiosk_thanks"}

# endpoint:                      "METHODS  cells in COLUMNS order"
#                                           man enu sca hom agy ago rec pub anon
TABLE = {
    "audit.index":                "GET      200 403 403 200 403 403 403 403 302",
    "auth.change_password":       "GET,POST 200 200 200 200 200 200 200 200 302",
    "auth.edit_user":             "GET,POST 200 403 403 403 403 403 403 403 302",
    "auth.end_sessions":          "POST      ok 403 403 403 403 403 403 403 302",
    "auth.login":                 "GET,POST 302 302 302 302 302 302 302 302 200",
    "auth.logout":                "POST      ok  ok  ok  ok  ok  ok  ok  ok 302",
    "auth.new_user":              "GET,POST 200 403 403 403 403 403 403 403 302",
    "auth.reset_password":        "POST      ok 403 403 403 403 403 403 403 302",
    "auth.set_language":          "POST      ok  ok  ok  ok  ok  ok  ok  ok 302",
    "auth.toggle_active":         "POST      ok 403 403 403 403 403 403 403 302",
    "auth.unlock":                "POST      ok 403 403 403 403 403 403 403 302",
    "auth.users":                 "GET      200 403 403 403 403 403 403 403 302",
    "bootstrap.static":           "GET      200 200 200 200 200 200 200 200 200",
    "directory.add":              "POST      ok 403 403 403 403 403 403 403 302",
    "directory.agencies":         "GET      200 200 200 200 403 403 200 403 302",
    "directory.fields":           "GET      200 200 200 200 403 403 200 403 302",
    "directory.import_list":      "POST      ok 403 403 403 403 403 403 403 302",
    "entry.adjudicate_sheet":     "GET,POST 302 403 403 403 403 403 403 403 302",
    "entry.approve_received":     "POST      ok 403 403 403 403 403 403 403 302",
    "entry.adjudication":         "GET      200 403 403 403 403 403 403 403 302",
    "entry.change":               "POST      ok 403 403 403 403 403 403 403 302",
    "entry.edit":                 "GET,POST 200 403 403 403 403 403 403 403 302",
    "entry.index":                "GET      302 302 403 403 403 403 403 403 302",
    "entry.key":                  "GET,POST 200 200 403 403 403 403 403 403 302",
    "entry.rates":                "GET      200 403 403 403 403 403 403 403 302",
    "entry.review":               "GET      200 403 403 403 403 403 403 403 302",
    "entry.reviews":              "GET      200 403 403 403 403 403 403 403 302",
    "entry.settings":             "GET,POST 200 403 403 403 403 403 403 403 302",
    "entry.sheet":                "GET,POST 302 302 403 403 403 403 403 403 302",
    "entry.sync":                 "POST      ok 403 403 403 403 403 403 403 302",
    "forms.batch_assign":         "POST      ok 403 403 403 403 403 403 403 302",
    "forms.print_quick":          "POST      ok 403 403 403 403 403 403 403 302",
    "forms.batch_layout":         "GET      200 403 200 403 403 403 403 403 302",
    "forms.batch_pdf":            "GET      200 403 200 403 403 403 403 403 302",
    "forms.batches":              "GET,POST 200 403 200 403 403 403 403 403 302",
    "forms.compare":              "GET      200 200 200 200 403 403 403 403 302",
    "forms.copy":                 "POST      ok 403 403 403 403 403 403 403 302",
    "forms.delete_question":      "POST      ok 403 403 403 403 403 403 403 302",
    "forms.detail":               "GET      200 200 200 200 403 403 403 403 302",
    "forms.edit_question":        "GET,POST 200 403 403 403 403 403 403 403 302",
    "forms.export_xlsform":       "GET      200 200 200 200 403 403 403 403 302",
    "forms.import_xlsform":       "POST      ok 403 403 403 403 403 403 403 302",
    "forms.index":                "GET      200 200 200 200 403 403 403 403 302",
    "forms.new_from_template":    "POST      ok 403 403 403 403 403 403 403 302",
    "forms.preview":              "GET      200 200 200 200 403 403 403 403 302",
    "forms.transition":           "POST      ok 403 403  ok 403 403 403 403 302",
    "frames.apply_counts":        "POST      ok 403 403 403 403 403 403 403 302",
    "frames.attempt":             "POST      ok  ok 403 403 403 403 403 403 302",
    "frames.draw":                "POST      ok 403 403 403 403 403 403 403 302",
    "frames.draw_file":           "GET      200 403 403 403 403 403 403 403 302",
    "frames.draw_page":           "GET      200 403 403 403 403 403 403 403 302",
    "frames.import_results":      "POST      ok 403 403 403 403 403 403 403 302",
    "frames.index":               "GET      200 403 403 403 403 403 403 403 302",
    "frames.mapping":             "GET,POST 200 403 403 403 403 403 403 403 302",
    "frames.outcome":             "POST      ok  ok 403 403 403 403 403 403 302",
    "frames.outcome_by_code":     "POST      ok  ok 403 403 403 403 403 403 302",
    "frames.replace":             "POST      ok  ok 403 403 403 403 403 403 302",
    "frames.responses":           "GET      200 200 403 403 403 403 403 403 302",
    "frames.survey":              "GET      200 403 403 403 403 403 403 403 302",
    "frames.upload":              "POST      ok 403 403 403 403 403 403 403 302",
    "imports.declare":            "POST      ok 403 403 403 403 403 403 403 302",
    "imports.index":              "GET,POST 200 403 403 403 403 403 403 403 302",
    "imports.mapping":            "GET,POST 200 403 403 403 403 403 403 403 302",
    "imports.run":                "GET      200 403 403 403 403 403 403 403 302",
    "jobs.download":              "GET      403 403 404 403 403 403 403 403 302",
    "jobs.index":                 "GET      200 200 200 200 200 200 200 200 302",
    "jobs.job":                   "GET      200 403 200 403 403 403 403 403 302",
    "jobs.retry":                 "POST     403 403  ok 403 403 403 403 403 302",
    "main.healthz":               "GET      200 200 200 200 200 200 200 200 200",
    "main.index":                 "GET      200 200 200 200 200 200 200 200 302",
    "omr.batch":                  "GET      200 403 200 403 403 403 403 403 302",
    "omr.crop":                   "GET      200 200 200 403 403 403 403 403 302",
    "omr.decide_item":            "POST      ok  ok  ok 403 403 403 403 403 302",
    "omr.inbox_active":           "POST      ok 403 403 403 403 403 403 403 302",
    "omr.inboxes":                "GET,POST 200 403 200 403 403 403 403 403 302",
    "omr.index":                  "GET,POST 200 403 200 403 403 403 403 403 302",
    "omr.key_text":               "POST      ok  ok  ok 403 403 403 403 403 302",
    "omr.page":                   "GET      200 200 200 403 403 403 403 403 302",
    "omr.page_image":             "GET      200 200 200 403 403 403 403 403 302",
    "omr.progress":               "GET      200 403 200 403 403 403 403 403 302",
    "omr.replace":                "POST      ok 403  ok 403 403 403 403 403 302",
    "omr.resume":                 "POST      ok 403  ok 403 403 403 403 403 302",
    "omr.text_image":             "GET      200 200 200 403 403 403 403 403 302",
    "omr.texts":                  "GET      200 200 200 403 403 403 403 403 302",
    "omr.verify":                 "GET      200 200 200 403 403 403 403 403 302",
    "online.index":               "GET      302 403 403 403 403 403 403 403 302",
    "online.poster":              "GET      200 403 403 403 403 403 403 403 302",
    "online.survey":              "GET      200 403 403 403 403 403 403 403 302",
    "online_public.answer":       "GET,POST 200 200 200 200 200 200 200 200 200",
    "online_public.kiosk":        "GET,POST 200 200 200 200 200 200 200 200 200",
    "online_public.kiosk_thanks": "GET      200 200 200 200 200 200 200 200 200",
    "online_public.thanks":       "GET      200 200 200 200 200 200 200 200 200",
    "plans.assignment_add":       "POST      ok 403 403 403 403 403 403 403 302",
    "plans.attachment_download":  "GET      200 403 403 200 200 403 403 403 302",
    "plans.attachment_upload":    "POST      ok  ok  ok  ok  ok  ok  ok  ok 302",
    "plans.attendance":           "POST      ok 403 403 403 403 403 403 403 302",
    "plans.comment_add":          "POST      ok 403 403 403  ok  ok 403 403 302",
    "plans.comment_respond":      "POST      ok 403 403 403 403 403 403 403 302",
    "plans.consultation_add":     "POST      ok 403 403 403 403 403 403 403 302",
    "plans.consultation_dispose": "POST      ok 403 403 403 403 403 403 403 302",
    "plans.council_member":       "POST      ok 403 403 403 403 403 403 403 302",
    "plans.council_update":       "POST      ok 403 403 403 403 403 403 403 302",
    "plans.dates":                "POST      ok 403 403 403 403 403 403 403 302",
    "plans.detail":               "GET      200 200 200 200 200 200 200 403 302",
    "plans.final_report_mark":    "POST      ok 403 403 403 403 403 403 403 302",
    "plans.index":                "GET      200 200 200 200 200 200 200 200 302",
    "plans.new":                  "GET,POST 200 403 403 403 403 403 403 403 302",
    "plans.notifications":        "GET      200 200 200 200 200 200 200 200 302",
    "plans.notifications_read":   "POST      ok  ok  ok  ok  ok  ok  ok  ok 302",
    "plans.opinion_add":          "POST      ok 403 403 403 403 403 403 403 302",
    "plans.pilot_add":            "POST      ok 403 403 403 403 403 403 403 302",
    "plans.plan_docx":            "GET      200 200 200 200 403 403 200 403 302",
    "plans.plan_bands":           "POST      ok 403 403 403 403 403 403 403 302",
    "plans.plan_policy":          "POST      ok 403 403 403 403 403 403 403 302",
    "plans.plan_sections":        "POST      ok 403 403 403 403 403 403 403 302",
    "plans.range_add":            "POST      ok 403 403 403 403 403 403 403 302",
    "plans.range_return":         "POST      ok 403 403 403 403 403 403 403 302",
    "plans.reviewer":             "POST      ok 403 403 403 403 403 403 403 302",
    "plans.scope_add":            "POST      ok 403 403 403 403 403 403 403 302",
    "plans.scope_remove":         "POST      ok 403 403 403 403 403 403 403 302",
    "plans.scope_update":         "POST      ok 403 403 403 403 403 403 403 302",
    "plans.shortfalls":           "POST      ok 403 403 403 403 403 403 403 302",
    "plans.step":                 "GET      200 200 200 200 403 403 200 403 302",
    "plans.training_add":         "POST      ok 403 403 403 403 403 403 403 302",
    "plans.transition":           "POST      ok  ok  ok  ok  ok  ok  ok  ok 302",
    "plans.verification_close":   "POST      ok  ok 403 403 403 403 403 403 302",
    "plans.verification_open":    "POST      ok 403 403 403 403 403 403 403 302",
    "reports_public.chart":         "GET      200 200 200 200 200 200 200 200 200",
    "reports_public.download":      "GET      200 200 200 200 200 200 200 200 200",
    "reports_public.index":         "GET      200 200 200 200 200 200 200 200 200",
    "reports_public.survey":        "GET      200 200 200 200 200 200 200 200 200",
    "privacy.grants":             "GET,POST 200 403 403 403 403 403 403 403 302",
    "privacy.revoke":             "POST      ok 403 403 403 403 403 403 403 302",
    "quality.draw":               "GET      200 403 403 403 403 403 200 403 302",
    "quality.integrity":          "GET      200 403 403 403 403 403 403 403 302",
    "quality.item":               "GET,POST 200 403 403 403 403 403 200 403 302",
    "quality.recheck":            "GET,POST 200 403 403 403 403 403 200 403 302",
    "quality.rule":               "GET,POST 200 403 403 403 403 403 403 403 302",
    "quality.approvals":          "GET      200 403 403 200 403 403 403 403 302",
    "quality.rule_approve":       "POST     403 403 403  ok 403 403 403 403 302",
    "quality.request_decide":     "POST     403 403 403  ok 403 403 403 403 302",
    "reports.create":             "POST      ok 403 403 403 403 403 403 403 302",
    "reports.issue":              "POST      ok 403 403 403 403 403 403 403 302",
    "reports.index":              "GET      200 403 403 200 200 200 403 403 302",
    "reports.survey":             "GET      200 403 403 200 200 200 403 403 302",
    "reports.version":            "GET      200 403 403 403 200 403 403 403 302",
    "stats.chart":                "GET      200 403 403 200 403 403 403 403 302",
    "stats.export":               "POST      ok 403 403  ok 403 403 403 403 302",
    "stats.index":                "GET      302 403 403 302 403 403 403 403 302",
    "stats.survey":               "GET      200 403 403 200 403 403 403 403 302",
}

# The same endpoints on other objects of the world (their values: build_world's per_endpoint).
VARIANTS = {
#                                                          man enu sca hom agy ago rec pub anon
    "entry.sheet [not yet keyed]":               "GET,POST 200 302 403 403 403 403 403 403 302",
    "forms.edit_question [approved v1]":         "GET,POST 403 403 403 403 403 403 403 403 302",
    "frames.draw_file [call list]":              "GET      200 403 403 403 403 403 403 403 302",
    # Lan works at agency A only: agency B's drawn dossiers are not hers to record.
    "frames.outcome [agency B's dossier]":       "POST      ok 403 403 403 403 403 403 403 302",
    "frames.replace [agency B's dossier]":       "POST      ok 403 403 403 403 403 403 403 302",
    "frames.draw_file [invitations PDF]":        "GET      200 403 403 403 403 403 403 403 302",
    "online_public.kiosk [wrong key]":           "GET,POST 404 404 404 404 404 404 404 404 404",
    "plans.attachment_download [synthesis PDF]": "GET      200 403 403 200 403 403 403 403 302",
    "plans.detail [PUB-1: agency A only]":       "GET      200 200 200 200 200 403 200 403 302",
    "plans.step [5: comment round]":             "GET      200 200 403 200 200 200 403 403 302",
    "reports_public.chart [unpublished]":          "GET      404 404 404 404 404 404 404 404 404",
    "reports_public.download [agency draft]":      "GET      404 404 404 404 404 404 404 404 404",
    "reports_public.survey [unpublished]":         "GET      404 404 404 404 404 404 404 404 404",
    "reports.version [synthesis]":               "GET      200 403 403 200 403 403 403 403 302",
}


def parse(row: str) -> tuple[str, dict[str, str]]:
    """(methods, {column: cell}) of a table row."""
    method, *cells = row.split()
    assert len(cells) == len(COLUMNS), row
    return method, dict(zip(COLUMNS, cells, strict=True))


def rules(app) -> dict:
    """endpoint -> rule, ``static`` aside (one rule per endpoint in this app)."""
    out = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            assert rule.endpoint not in out, f"{rule.endpoint} has two rules"
            out[rule.endpoint] = rule
    return out


def methods_of(rule) -> str:
    return ",".join(sorted(rule.methods - {"HEAD", "OPTIONS"}))


def test_roles_are_the_table_columns():
    assert set(ROLES) | {"agency_other", "anonymous"} == set(COLUMNS)


def test_every_route_is_in_the_table(app):
    found = rules(app)
    missing = sorted(set(found) - set(TABLE))
    stale = sorted(set(TABLE) - set(found))
    assert not missing, f"routes without a row in TABLE: {missing}"
    assert not stale, f"TABLE rows for routes the app no longer has: {stale}"
    wrong = {e: (parse(TABLE[e])[0], methods_of(found[e])) for e in TABLE
             if parse(TABLE[e])[0] != methods_of(found[e])}
    assert not wrong, f"TABLE methods differ from the route's: {wrong}"
    for key, row in VARIANTS.items():
        endpoint = key.split(" ", 1)[0]
        assert endpoint in found, f"VARIANTS row for a route the app no longer has: {key}"
        assert parse(row)[0] == methods_of(found[endpoint]), key


def test_anonymous_column():
    """Signed out: every non-public route redirects to /login, every public page answers."""
    assert PUBLIC <= set(TABLE)
    for endpoint, row in TABLE.items():
        method, cells = parse(row)
        if endpoint in PUBLIC:
            assert cells["anonymous"] == ("200" if "GET" in method else "302"), endpoint
        else:
            assert cells["anonymous"] == "302", endpoint


def _guess(app, endpoint, user) -> str:
    """The cell of a route without a row (while writing one): "ok" where the decorator lets
    the column in, so that nothing is posted that would act; "?" (a mismatch) elsewhere."""
    roles = getattr(app.view_functions[endpoint], "required_roles", None)
    if user is not None and (roles is None or user.has_role(*roles)):
        return "ok"
    return "?"


def _targets(app) -> list[tuple[str, str, str | None]]:
    """(key, endpoint, row) for every table row, variant and route without a row;
    sign-out last, as it ends the session."""
    found = rules(app)
    out = [(e, e, TABLE.get(e)) for e in found]
    out += [(k, k.split(" ", 1)[0], row) for k, row in VARIANTS.items()
            if k.split(" ", 1)[0] in found]
    return sorted(out, key=lambda t: (t[1] == "auth.logout", t[0]))


def _url(app, world, key, rule) -> str:
    values = {**world.values, **world.per_endpoint.get(rule.endpoint, {}),
              **world.per_endpoint.get(key, {})}
    with app.test_request_context():
        url = url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
    return url + values.get("_query", "")


def _request(client, method, url, token) -> tuple[int, str]:
    """(status, Location or the exception), closing the response (send_file)."""
    try:
        if method == "GET":
            with client.get(url) as resp:
                return resp.status_code, resp.headers.get("Location", "")
        with client.post(url, data={"csrf_token": token}) as resp:
            return resp.status_code, resp.headers.get("Location", "")
    except Exception as exc:  # noqa: BLE001 - a crash is the 500 the test reports
        return 500, repr(exc)


def _audit_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def _post_denied(client, db, url, token, want, who) -> tuple[list[str], int]:
    """Post as a denied column: the status must be ``want`` and nothing may be audited."""
    before = _audit_count(db)
    got, where = _request(client, "POST", url, token)
    out = []
    if str(got) != want:
        out.append(f"{who}: POST expected {want}, got {got} {where if got == 500 else ''}")
    if got != 500 and _audit_count(db) != before:
        out.append(f"{who}: POST acted (the audit trail grew)")
    return out, got


def visit(app, db, world, column) -> tuple[list[str], dict[str, str]]:
    """Request every route as ``column``: the mismatches and the observed cells."""
    client = app.test_client()
    user = world.users[column]
    if user is not None:
        assert login(client, user.email, PASSWORD).status_code == 302
    token = csrf_token(client, "/account/password" if user else "/login")
    found = rules(app)
    problems, seen = [], {}
    for key, endpoint, row in _targets(app):
        rule = found[endpoint]
        methods = rule.methods - {"HEAD", "OPTIONS"}
        want = parse(row)[1][column] if row else _guess(app, endpoint, user)
        url = _url(app, world, key, rule)
        who = f"{key} {url} as {column}"
        if "GET" not in methods:
            if want == "ok":
                seen[key] = "ok"
            else:
                found_problems, got = _post_denied(client, db, url, token, want, who)
                problems += found_problems
                seen[key] = str(got)
            continue
        got, where = _request(client, "GET", url, token)
        seen[key] = str(got)
        if got == 500:
            problems.append(f"{who}: 500 {where}")
        elif str(got) != want:
            problems.append(f"{who}: expected {want}, got {got}")
        elif (got == 302 and column == "anonymous" and endpoint not in PUBLIC
              and "/login" not in where):
            problems.append(f"{who}: 302 to {where}, not to /login")
        if "POST" in methods and want in ("302", "403", "404"):
            problems += _post_denied(client, db, url, token, want, who)[0]
    return problems, seen


def test_every_route_as_every_role(app, client, db, factory, monkeypatch):
    """Every route, every column, one world; all mismatches reported at once."""
    from .route_world import build_world

    # (the ``client`` fixture makes app.test_client() give one app context per request)
    world = build_world(app, db, factory, monkeypatch)
    problems, observed = [], {}
    for column in COLUMNS:
        found, seen = visit(app, db, world, column)
        problems += found
        for key, status in seen.items():
            observed.setdefault(key, {})[column] = status
    if os.environ.get("ROUTE_TABLE_DISCOVER"):
        found = rules(app)
        for key in sorted(observed):
            m = methods_of(found[key.split(" ", 1)[0]])
            cells = " ".join(f"{observed[key].get(c, '?'):>3}" for c in COLUMNS)
            print(f'    {chr(34) + key + chr(34) + ":":29s} "{m:8s} {cells}",')
    assert not problems, "\n".join([f"{len(problems)} mismatches:"] + problems)

"""With REDIS_URL the sign-in rate limit is shared by all gunicorn workers (a real Redis)."""

from __future__ import annotations

import requests

from fieldwork.deploy.loadbench import Instance, Server, parse_form


def test_sign_in_limit_is_counted_in_redis_across_workers(tmp_path, redis_url):
    inst = Instance(tmp_path / "inst", REDIS_URL=redis_url, LOGIN_RATE_LIMIT="3/minute",
                    FIELDWORK_JOBS="embedded")
    inst.migrate()
    server = Server(inst, workers=3, threads=1, sqlite=True)
    server.start()
    statuses = []
    try:
        for n in range(6):  # a new connection each time, so the workers take turns
            with requests.Session() as s:
                token = parse_form(s.get(server.base + "/login", timeout=30).text,
                                   "password")["csrf_token"][1]
                r = s.post(server.base + "/login", timeout=30, allow_redirects=False,
                           data={"csrf_token": token, "email": f"nobody{n}@example.vn",
                                 "password": "wrong-password-1"},
                           headers={"Connection": "close"})
                statuses.append(r.status_code)
                r.close()
    finally:
        server.stop()
        inst.close()
    # 3 sign-in attempts a minute from this address (refused: 401), whichever worker answers.
    assert statuses[:3] == [401, 401, 401] and statuses[3:] == [429, 429, 429], statuses

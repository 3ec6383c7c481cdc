"""Kill the server in the middle of keying: nothing acknowledged is lost, nothing counted twice.

A real ``fieldwork serve`` on a SQLite instance; keyers key their sheets through the pages;
the whole process group gets SIGKILL while they do; the server is started again and every
keyer re-sends the POST that was in flight, then once more the last one it had confirmed,
as a keyer who never saw the answer would.  The database must hold every acknowledged
sheet exactly once with the keyed answers.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

import requests

from fieldwork.deploy.loadbench import (
    SUCCESS_ALERT,
    SURVEY,
    Instance,
    KeyingClient,
    Server,
    answers_for,
    check_keying,
    prepared,
    stored_keyings,
)

KEYERS, SHEETS = 3, 8


class Keying(threading.Thread):
    """One keyer keying its sheets, riding out a server that dies and comes back."""

    def __init__(self, client: KeyingClient, serials: list[int], back: threading.Event):
        super().__init__()
        self.client, self.serials, self.back = client, serials, back
        self.acked: set[int] = set()
        self.in_flight: set[int] = set()  # POSTs whose answer never came
        self.already: set[int] = set()  # re-sent POSTs the server had already saved
        self.problems: list[str] = []
        self.last: tuple[int, list] | None = None
        self.sent: dict[int, list] = {}  # what was posted for each confirmed sheet
        self.posting = threading.Event()

    def _retrying(self, call):
        for _attempt in range(6):
            try:
                return call()
            except requests.RequestException:
                self.back.wait(120)
                time.sleep(0.2)
        raise RuntimeError("the server never came back")

    def _post(self, serial: int, data: list) -> None:
        try:
            self.posting.set()
            outcome = self.client.submit(SURVEY, serial, data)
        except requests.RequestException:
            self.in_flight.add(serial)
            self.back.wait(120)
            outcome = self._retrying(lambda: self.client.submit(SURVEY, serial, data))
        finally:
            self.posting.clear()
        if outcome.acked:
            self.acked.add(serial)
            self.last = (serial, data)
            self.sent.setdefault(serial, data)
        elif outcome.already:
            self.already.add(serial)
        else:
            self.problems.append(f"{serial}: HTTP {outcome.status} {outcome.location}")

    def run(self) -> None:
        try:
            self._retrying(self.client.login)
            for serial in self.serials:
                form = self._retrying(lambda s=serial: self.client.open_sheet(SURVEY, s))
                if form is None:
                    self.problems.append(f"{serial}: the sheet did not open")
                    continue
                self._post(serial, prepared(form, answers_for(serial)))
                time.sleep(0.05)
        except Exception as exc:  # noqa: BLE001  (the test reports it)
            self.problems.append(repr(exc))


def test_kill_the_server_while_keying(tmp_path):
    inst = Instance(tmp_path / "inst")
    server = None
    clients = []
    try:
        inst.migrate()
        seeded = inst.seed(KEYERS, SHEETS, 0)
        server = Server(inst, workers=2, threads=2, sqlite=True)
        server.start()
        timings, lock, back = [], threading.Lock(), threading.Event()
        clients = [KeyingClient(server.base, k.email, timings, lock, timeout=30)
                   for k in seeded.keyers]
        keyers = [Keying(c, k.serials, back) for c, k in zip(clients, seeded.keyers,
                                                              strict=True)]
        for k in keyers:
            k.start()
        # Wait until a few sheets are saved and someone is in the middle of a POST.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and sum(len(k.acked) for k in keyers) < KEYERS * 2:
            time.sleep(0.02)
        while time.monotonic() < deadline and not any(k.posting.is_set() for k in keyers):
            time.sleep(0.001)
        saved_before_kill = sum(len(k.acked) for k in keyers)
        server.kill()
        assert 0 < saved_before_kill < KEYERS * SHEETS, "the kill came too late to matter"
        server.start()
        back.set()
        for k in keyers:
            k.join(120)
        assert not any(k.is_alive() for k in keyers)
        assert [p for k in keyers for p in k.problems] == []

        # A keyer whose confirmation got lost sends the same sheet again: the server says it
        # is already saved (a green message, on to the next sheet); it is not saved twice.
        for client, k in zip(clients, keyers, strict=True):
            for serial, data in (k.last, (min(k.sent), k.sent[min(k.sent)])):
                again = client.submit(SURVEY, serial, data)
                assert again.status == 302 and again.acked and not again.already, again
                if urlsplit(again.location).path.rstrip("/").endswith("/key"):
                    continue  # its last sheet: submit() already read the green message
                page = client.request("follow", "GET", urlsplit(again.location).path)
                alerts = " ".join(SUCCESS_ALERT.findall(page.text))
                assert f"{serial:08d}" in alerts and "không có gì bị lưu hai lần" in alerts, alerts
    finally:
        for c in clients:
            c.close()
        if server is not None:
            server.stop()
        inst.close()

    assert not [t for t in timings if t.status >= 500], server.log_tail() if server else ""
    rows = stored_keyings(inst, seeded.survey_id)
    acked = {s.email: k.acked for s, k in zip(seeded.keyers, keyers, strict=True)}
    in_flight = {s.email: k.in_flight | k.already
                 for s, k in zip(seeded.keyers, keyers, strict=True)}
    report = check_keying(rows, seeded.keyers, acked, in_flight)
    assert (report["lost"], report["duplicated"], report["unexpected"],
            report["wrong_answers"]) == (0, 0, 0, 0), report
    # Every sheet ended saved exactly once: confirmed, or found saved when re-sent.
    done = sum(len(k.acked | k.already) for k in keyers)
    assert done == report["sheets_stored"] == report["keying_rows"] == KEYERS * SHEETS
    assert all(not (k.acked & k.already) for k in keyers)

#!/usr/bin/env bash
# The wheel as a packager would install it (run by `make test`, so by CI):
#   build the wheel from a clean copy of the tree, install it into a fresh venv in a temporary
#   folder outside the repository, and from there run `fieldwork --version`, `db upgrade`,
#   `demo`, `forms print`, fetch Vietnamese pages from `fieldwork serve` (gunicorn), and check
#   that a run-time file missing from the installation is named, without a traceback.
# Packages come from pip's cache after the first run; the venv (~800 MB) goes to /dev/shm when
# it has room (installing and removing it on a busy disk took minutes), else to $TMPDIR.
# KEEP=1 keeps the folder for a look.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PYTHON:-python3}"
BASE="${TMPDIR:-/tmp}"
if [ -z "${TMPDIR:-}" ] && [ -w /dev/shm ] \
   && [ "$(df -Pk /dev/shm | awk 'NR == 2 {print $4}')" -gt 3000000 ]; then BASE=/dev/shm; fi
WORK="$(mktemp -d "$BASE/fieldwork-wheel-smoke.XXXXXX")"
SERVER=""
cleanup() {
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then
    kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true
  fi
  SERVER=""
  if [ "${KEEP:-0}" = 1 ]; then echo "wheel smoke: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # through the EXIT trap: nothing left in /dev/shm
fail() { echo "wheel smoke FAILED: $*" >&2; exit 1; }
step() { echo "wheel smoke: $* ($(( SECONDS - START ))s)"; }
START=$SECONDS

# 1. A clean copy of the tree (what a clone has: no venv, no compiled catalogues, no build).
mkdir -p "$WORK/src" "$WORK/dist" "$WORK/run"
tar -C "$ROOT" --exclude=./.git --exclude=./.venv --exclude=./build --exclude=./dist \
    --exclude='*.egg-info' --exclude=./instance --exclude=./test-artifacts \
    --exclude=__pycache__ --exclude='*.mo' --exclude='*.pyc' -cf - . | tar -C "$WORK/src" -xf -
"$PY" -m venv "$WORK/venv"
V="$WORK/venv/bin"
"$V/pip" wheel -q --no-deps -w "$WORK/dist" "$WORK/src" 2>&1 | grep -v "^WARNING: Location" || true
WHEEL="$(ls "$WORK"/dist/fieldwork-*.whl)" || fail "no wheel was built"
step "built $(basename "$WHEEL")"

# 2. A fresh venv, outside the repository, with nothing but the wheel and its dependencies.
"$V/pip" install -q --no-compile "$WHEEL" 2>&1 | grep -v "^WARNING: Location" || true
step "installed into $WORK/venv"
cd "$WORK/run"
unset DATABASE_URL SECRET_KEY FIELDWORK_DATA_DIR REDIS_URL FIELDWORK_JOBS FORMS_MAC_KEY \
      FLASK_APP PYTHONPATH
export FIELDWORK_INSTANCE="$WORK/instance" PYTHONWARNINGS=ignore LOGIN_RATE_LIMIT=off
SITE="$("$V/python" -c 'import fieldwork, pathlib; print(pathlib.Path(fieldwork.__file__).parent)')"
case "$SITE" in "$WORK/venv/"*) ;; *) fail "fieldwork imported from $SITE, not the venv" ;; esac
WANT="$("$V/python" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$ROOT/pyproject.toml")"
[ "$("$V/fieldwork" --version)" = "fieldwork $WANT" ] || fail "fieldwork --version is not $WANT"

# Every catalogue of the tree is compiled in the installed package, every print template there.
(cd "$ROOT" && find fieldwork -path '*/translations/*/LC_MESSAGES/*.po') | while read -r po; do
  [ -s "$SITE/../${po%.po}.mo" ] || fail "${po%.po}.mo is not in the installed package"
done
for f in "$ROOT"/print_templates/*; do
  [ -f "$SITE/print_templates/$(basename "$f")" ] || fail "print_templates/$(basename "$f") not installed"
done

# 3. The app from the installed package.
"$V/fieldwork" db upgrade >"$WORK/upgrade.log" 2>&1 || { cat "$WORK/upgrade.log"; fail "db upgrade"; }
step "db upgrade"
"$V/fieldwork" demo --password smoke-Password-2026 >"$WORK/demo.log" 2>&1 \
  || { tail -40 "$WORK/demo.log"; fail "demo"; }
step "demo"
"$V/fieldwork" forms print DEMO-2026 --count 3 --agency "Sở Tư pháp" --out forms.pdf \
  --layout forms.json \
  >"$WORK/print.log" 2>&1 || { cat "$WORK/print.log"; fail "forms print"; }
pdftotext -layout forms.pdf forms.txt
grep -q "PHIẾU" forms.txt || fail "the printed form has no Vietnamese title (forms.txt)"
[ "$(grep -c . forms.json)" -gt 0 ] || fail "no layout written"
step "forms print: $(pdfinfo forms.pdf | awk '/^Pages:/ {print $2}') pages"

PORT="$("$V/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$V/fieldwork" serve --bind "127.0.0.1:$PORT" --workers 1 --threads 2 --allow-sqlite \
  >"$WORK/serve.log" 2>&1 &
SERVER=$!
"$V/python" - "http://127.0.0.1:$PORT" <<'EOF' || { tail -40 "$WORK/serve.log"; fail "Vietnamese pages"; }
"""Sign in as the demo manager and read pages: Vietnamese from the app's and features'
catalogues, as the installed .mo files say."""
import gettext
import html
import re
import sys
import time
from pathlib import Path

import fieldwork
import requests

base = sys.argv[1]
s = requests.Session()
deadline = time.monotonic() + 90
while True:
    try:
        login = s.get(base + "/login", timeout=5)
        break
    except requests.RequestException:
        if time.monotonic() > deadline:
            sys.exit("the server did not answer")
        time.sleep(0.3)
pkg = Path(fieldwork.__file__).parent


def vi(domain_dir: str, msgid: str) -> str:
    mo = pkg / domain_dir / "vi/LC_MESSAGES/messages.mo"
    with open(mo, "rb") as fh:
        text = gettext.GNUTranslations(fh).gettext(msgid)
    assert text != msgid, f"{msgid!r} is not translated in {mo}"
    return text


def text_of(resp) -> str:
    assert resp.status_code == 200, (resp.status_code, resp.url)
    assert '<html lang="vi"' in resp.text, "the page is not in Vietnamese"
    return html.unescape(resp.text)


page = text_of(login)
assert vi("translations", "Sign in") in page
token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login.text).group(1)
r = s.post(base + "/login", data={"email": "quanly@demo.vn", "password": "smoke-Password-2026",
                                  "csrf_token": token}, timeout=30)
assert "/login" not in r.url, "the demo manager could not sign in"
page = text_of(s.get(base + "/stats/DEMO-2026", timeout=120))
for where, msgid in (("translations", "Surveys"), ("stats/translations", "Statistics")):
    assert vi(where, msgid) in page, f"{vi(where, msgid)!r} ({msgid}) not on /stats/DEMO-2026"
print("pages in Vietnamese: /login, /stats/DEMO-2026")
EOF
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
grep -q "Booting worker" "$WORK/serve.log" || fail "gunicorn did not serve"
step "serve: Vietnamese pages"

# 4. A run-time file missing from the installation is named, without a traceback.
rm "$SITE/print_templates/print_settings.json"
if "$V/fieldwork" forms print DEMO-2026 --count 1 --agency "Sở Tư pháp" --out x.pdf --layout x.json \
    >"$WORK/missing.log" 2>&1; then fail "forms print worked without print_settings.json"; fi
grep -q "fieldwork/print_templates/print_settings.json is missing" "$WORK/missing.log" \
  || { cat "$WORK/missing.log"; fail "the missing file is not named"; }
if grep -q Traceback "$WORK/missing.log"; then cat "$WORK/missing.log"; fail "a traceback"; fi
step "a missing print_settings.json is named"
echo "wheel smoke: OK in $(( SECONDS - START ))s"

#!/usr/bin/env bash
# The packaging test (a step of scripts/test-all.sh): builds both Debian packages, installs them
# on this machine, checks the installed server and the installed window, and removes them again
# (also when a check fails).
#
#   server: the unit passes systemd-analyze verify; the unit's own ExecStart, run as the
#           package's system user with the packaged /etc/hairyo/hairyo.conf (only its
#           database_url and listen lines pointed at the throwaway cluster), answers /health
#           with this release's version, serves the browser UI and signs a staff member in
#           over the least-privileged app role; a bad value in the file stops it with the line;
#           the installed `hairyo upgrade` upgrades the previous release's database after a dump.
#   window: the installed /usr/bin/hairyo-desktop passes the smoke journey through WebDriver
#           (sign in, search, print a form, the version in 設定).
#
# Needs root (apt-get install) and HAIRYO_TEST_PG: the throwaway cluster test-all.sh starts.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf 'test-packages: %s\n' "$*"; }
fail() { printf 'test-packages: FAILED: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || { command -v sudo >/dev/null || fail "needs root to install packages"; exec sudo -E "$0" "$@"; }
[[ -n "${HAIRYO_TEST_PG:-}" ]] || fail "HAIRYO_TEST_PG is not set (scripts/test-all.sh starts the cluster)"

HAIRYO_SKIP_SETUP=1 "$ROOT/scripts/build-packages.sh"
TARGET="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
VERSION="$("$TARGET/${HAIRYO_PACKAGE_PROFILE:-release}/hairyo" --version | awk '{print $2}')"
server_deb="$(ls "$TARGET"/packages/hairyo-server_"$VERSION"_*.deb)"
desktop_deb="$(ls "$TARGET"/packages/hairyo-desktop_"$VERSION"_*.deb)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hairyo-packages.XXXXXX")"
chmod 0755 "$WORK"
server_pid=""
cleanup() {
  local rc=$?
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; fi
  say "removing the packages"
  DEBIAN_FRONTEND=noninteractive apt-get purge -y hairyo-server "$desktop_pkg" >"$WORK/purge.log" 2>&1 || cat "$WORK/purge.log" >&2
  rm -rf "$WORK"
  exit $rc
}
desktop_pkg="$(dpkg-deb --field "$desktop_deb" Package)"
trap cleanup EXIT

# --- install -----------------------------------------------------------------------------
say "installing $(basename "$server_deb") and $(basename "$desktop_deb")"
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$server_deb" "$desktop_deb" >"$WORK/install.log" 2>&1 \
  || { cat "$WORK/install.log" >&2; fail "apt-get install"; }
[[ "$(/usr/bin/hairyo --version)" == "hairyo $VERSION" ]] || fail "the installed hairyo says $(/usr/bin/hairyo --version)"
getent passwd hairyo >/dev/null || fail "no system user hairyo"
[[ "$(stat -c '%U:%G %a' /etc/hairyo/hairyo.conf)" == "root:hairyo 640" ]] || fail "/etc/hairyo/hairyo.conf is $(stat -c '%U:%G %a' /etc/hairyo/hairyo.conf)"
[[ -f /usr/share/hairyo/ui/index.html ]] || fail "the browser UI is not installed"
[[ -x /usr/bin/hairyo-desktop ]] || fail "/usr/bin/hairyo-desktop is not installed"
dpkg -L "$desktop_pkg" | grep -c '^/usr/share/applications/.*\.desktop$' >/dev/null || fail "the desktop package has no desktop entry"
dpkg -L "$desktop_pkg" | grep -c '^/usr/share/icons/' >/dev/null || fail "the desktop package has no icon"

# --- server ------------------------------------------------------------------------------
say "systemd-analyze verify hairyo.service"
systemd-analyze verify /lib/systemd/system/hairyo.service

# A database for the package on the throwaway cluster: the cluster's superuser owns and
# initialises it, the service connects as an app role with `hairyo grant`'s rights only.
base="${HAIRYO_TEST_PG%/*}"
psql_admin() { PGOPTIONS="-c client_min_messages=warning" psql "$HAIRYO_TEST_PG" -qAt -v ON_ERROR_STOP=1 "$@"; }
psql_admin -c "DROP DATABASE IF EXISTS hairyo_pkg" -c "DROP DATABASE IF EXISTS hairyo_pkg_old" \
  -c "CREATE DATABASE hairyo_pkg" -c "CREATE DATABASE hairyo_pkg_old"
psql_admin -c "DO \$\$ BEGIN CREATE ROLE hairyo_pkg_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$"
HAIRYO_PASSWORD=hairyo-demo /usr/bin/hairyo --db "$base/hairyo_pkg" init >/dev/null
HAIRYO_PASSWORD=hairyo-demo /usr/bin/hairyo --db "$base/hairyo_pkg" grant hairyo_pkg_app >/dev/null

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
app_url="${base/\/\/hairyo@/\/\/hairyo_pkg_app@}/hairyo_pkg"
# Only the two lines that name this machine's database and port change; the rest is as shipped.
sed -i -e "s|^database_url = .*|database_url = $app_url|" -e "s|^listen = .*|listen = 127.0.0.1:$port|" /etc/hairyo/hairyo.conf

exec_start="$(sed -n 's/^ExecStart=//p' /lib/systemd/system/hairyo.service)"
user="$(sed -n 's/^User=//p' /lib/systemd/system/hairyo.service)"
workdir="$(sed -n 's/^WorkingDirectory=//p' /lib/systemd/system/hairyo.service)"
say "running the unit's ExecStart as $user: $exec_start"
# setpriv execs the server itself (runuser would stay in between), so SIGTERM reaches it as
# systemd's stop does.
(cd "$workdir" && exec setpriv --reuid="$user" --regid="$user" --init-groups -- $exec_start) >"$WORK/serve.out" 2>"$WORK/serve.err" &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q '^listening on ' "$WORK/serve.out" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$WORK/serve.err" >&2; fail "hairyo serve exited"; }
  sleep 0.1
done
grep -q '^listening on ' "$WORK/serve.out" || { cat "$WORK/serve.err" >&2; fail "hairyo serve did not start"; }

health="$(curl -sS --fail "http://127.0.0.1:$port/health")"
[[ "$health" == "{\"status\":\"ok\",\"version\":\"$VERSION\"}" ]] || fail "/health answered $health"
say "/health: $health"
curl -sS --fail "http://127.0.0.1:$port/" | grep -c '<div id="app">' >/dev/null || fail "/ does not serve the browser UI"
signed_in="$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -d '{"login":"admin","password":"hairyo-demo"}' "http://127.0.0.1:$port/api/sign_in")"
[[ "$signed_in" == 200 ]] || fail "sign-in over the app role answered $signed_in"
kill -TERM "$server_pid"
wait "$server_pid" || { tail -n 5 "$WORK/serve.err" >&2; fail "hairyo serve did not stop cleanly on SIGTERM"; }
server_pid=""
say "the installed server answered with its packaged configuration and stopped on SIGTERM"

# A bad value in the configuration stops the server with the file and the line.
cp /etc/hairyo/hairyo.conf "$WORK/bad.conf"
sed -i 's/^session_idle_seconds = .*/session_idle_seconds = 30分/' "$WORK/bad.conf"
chmod 0644 "$WORK/bad.conf"
if runuser -u hairyo -- /usr/bin/hairyo serve --config "$WORK/bad.conf" >"$WORK/bad.out" 2>&1; then
  fail "a bad session_idle_seconds was accepted"
fi
grep -q 'config.invalid_value' "$WORK/bad.out" && grep -q "$WORK/bad.conf の" "$WORK/bad.out" || { cat "$WORK/bad.out" >&2; fail "no clear error for a bad value"; }
say "a bad value is refused: $(head -n1 "$WORK/bad.out")"

# The installed binary upgrades the previous release's database, dumping it first with the
# postgresql-client the package depends on.
pg_restore --no-owner --dbname "$base/hairyo_pkg_old" tests/fixtures/release-0.1.0/hairyo.dump
install -d -o hairyo -g hairyo -m 0750 "$WORK/backups"
upgraded="$(runuser -u hairyo -- /usr/bin/hairyo --db "$base/hairyo_pkg_old" upgrade --backup-dir "$WORK/backups")"
say "$upgraded"
[[ "$upgraded" == *"版 23 から"* ]] || fail "hairyo upgrade said: $upgraded"
ls "$WORK/backups"/hairyo-schema-23-before-*.dump >/dev/null || fail "no dump before the upgrade"
listing="$(pg_restore --list "$WORK"/backups/hairyo-schema-23-before-*.dump)"
[[ "$listing" == *"TABLE DATA public person "* ]] || fail "the dump holds no persons"
psql_admin -c "DROP DATABASE hairyo_pkg" -c "DROP DATABASE hairyo_pkg_old"

# --- window ------------------------------------------------------------------------------
say "the installed window's smoke journey"
HAIRYO_APP_BINARY=/usr/bin/hairyo-desktop xvfb-run -a -s "-screen 0 1280x1024x24" \
  cargo test --workspace --test window -- --test-threads=1 --exact smoke_sign_in_search_and_print_a_form

say "both packages installed, answered and passed; removing them"

#!/usr/bin/env bash
# Runs every test: the core's unit tests, the integration and CLI tests (on SQLite, then again
# on a throwaway PostgreSQL cluster), the UI type check, and the end-to-end tests that drive the
# real window under Xvfb and headless Chromium against `hairyo serve`, and the Debian packages
# installed on this machine (scripts/test-packages.sh). Installs what is missing first
# (scripts/setup.sh), so it is safe to run on a fresh Debian 12 machine and safe to run twice.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

timings=()
step() {
  local name="$1"
  shift
  local start=$SECONDS
  printf '\n==> %s\n' "$name"
  "$@"
  local took=$((SECONDS - start))
  timings+=("$(printf '%4d s  %s' "$took" "$name")")
  printf '<== %s: %d s\n' "$name" "$took"
}

# A step run beside the foreground ones (its output kept in a log and printed when it is
# waited for): the checks that need no database run while the integration tests, which spend
# much of their time waiting on processes, timeouts and PostgreSQL, take the foreground.
BG_LOG=""
BG_PID=""
beside() {
  BG_LOG="$(mktemp "${TMPDIR:-/tmp}/hairyo-beside.XXXXXX")"
  ( "$@" ) >"$BG_LOG" 2>&1 &
  BG_PID=$!
}
join_beside() {
  local name="$1" start=$SECONDS rc=0
  printf '\n==> %s (run beside the tests)\n' "$name"
  wait "$BG_PID" || rc=$?
  cat "$BG_LOG"
  rm -f "$BG_LOG"
  timings+=("$(printf '%4d s  %s (waited for after the tests)' "$((SECONDS - start))" "$name")")
  if ((rc != 0)); then
    printf '<== %s failed (exit %d)\n' "$name" "$rc"
    exit "$rc"
  fi
}
# On any exit (a failed step included): what runs beside is stopped, and the PostgreSQL
# cluster, once started, is stopped and removed.
PG_STARTED=false
PG_DIR=""
TEST_PROGRAMS=""
E2E_PID=""
cleanup() {
  if [[ -n "$E2E_PID" ]] && kill -0 "$E2E_PID" 2>/dev/null; then
    pkill -TERM -P "$E2E_PID" 2>/dev/null || true
    kill -TERM "$E2E_PID" 2>/dev/null || true
  fi
  [[ -n "$TEST_PROGRAMS" ]] && rm -f "$TEST_PROGRAMS"
  if [[ -n "$BG_PID" ]] && kill -0 "$BG_PID" 2>/dev/null; then
    pkill -TERM -P "$BG_PID" 2>/dev/null || true
    kill -TERM "$BG_PID" 2>/dev/null || true
  fi
  if $PG_STARTED; then "$ROOT/scripts/pg-cluster.sh" stop "$PG_DIR"; fi
}
trap cleanup EXIT

# What runs beside the tests, one after another, each timed in its own log lines.
checks_beside() {
  local start=$SECONDS
  # In the one target directory: the tests beside it run their programs directly, so neither
  # waits for the other's lock, and clippy reuses the build scripts and macros built above.
  printf '==> cargo clippy -D warnings\n'
  cargo clippy --workspace --all-targets -- -D warnings
  printf '<== cargo clippy: %d s\n' "$((SECONDS - start))"
  start=$SECONDS
  printf '==> UI type check (svelte-check)\n'
  npm --prefix ui run --silent check
  printf '<== svelte-check: %d s\n' "$((SECONDS - start))"
  start=$SECONDS
  printf '==> docs/print-samples as the code prints them\n'
  "$ROOT/scripts/print-samples.sh" --check
  printf '<== print samples: %d s\n' "$((SECONDS - start))"
}

step "setup" "$ROOT/scripts/setup.sh"
if [[ -d "$HOME/.cargo/bin" && ":$PATH:" != *":$HOME/.cargo/bin:"* ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
# tauri-driver installed by setup.sh lives here when it is not on PATH already.
export PATH="$PATH:$ROOT/.tools/bin"

# One feature set for every step: each cargo command below names the whole workspace (the e2e
# package included), so cargo resolves the dependencies' features once and every later step
# reuses this build. Selecting packages differently (`-p hairyo-e2e`, `--exclude`) would
# resolve other features and rebuild most of the tree. The steps pick their tests by target.
TESTS=(--workspace --lib --bins --test it)
step "cargo fmt --check" cargo fmt --all --check
step "cargo build --workspace" cargo build --workspace --all-targets
# The test programs that build made, each with its package's directory: the passes below run
# them as `cargo test` would (in that directory, one after another) without holding cargo's
# lock, so that clippy can run beside them.
TEST_PROGRAMS="$(mktemp "${TMPDIR:-/tmp}/hairyo-tests.XXXXXX")"
cargo test "${TESTS[@]}" --no-run --message-format=json 2>/dev/null | python3 -c '
import json, os, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]:
        print(os.path.dirname(m["manifest_path"]) + "\t" + m["executable"])
' >"$TEST_PROGRAMS"
[[ -s "$TEST_PROGRAMS" ]] || { echo "no test programs were built" >&2; exit 1; }
run_tests() {
  local dir exe
  while IFS=$'\t' read -r dir exe; do
    printf '     Running %s\n' "${exe#"$ROOT"/}"
    (cd "$dir" && CARGO_MANIFEST_DIR="$dir" "$exe" "$@") || return 1
  done <"$TEST_PROGRAMS"
}
beside checks_beside
step "tests (unit, integration, CLI)" run_tests

# The integration tests again on PostgreSQL 15: a throwaway cluster in a temp dir (stopped and
# removed on exit, also when a test fails), a fresh database per test.
PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/hairyo-pg.XXXXXX")"
PG_STARTED=true
HAIRYO_TEST_PG="$("$ROOT/scripts/pg-cluster.sh" start "$PG_DIR")"
export HAIRYO_TEST_PG
# Every connection Hairyo (and psql, pg_dump) makes to it goes over TLS, the certificate and
# the server's name checked against the cluster's throwaway CA.
export PGSSLMODE=verify-full PGSSLROOTCERT="$PG_DIR/tls/ca.crt"
# The same programs as above; HAIRYO_TEST_PG only changes what the integration tests open. The modules that open only SQLite files (the CLI's and the
# durability tests: the same in either pass) are skipped here, except their `on_postgres`
# tests, run just after (`layers::file_only_modules_reach_postgresql_only_in_on_postgres`
# keeps the list and the modules in step).
step "tests on PostgreSQL (integration, CLI)" run_tests --skip=cli:: --skip=durability::
step "tests on PostgreSQL (the file-only modules' on_postgres)" run_tests on_postgres::
join_beside "clippy, svelte-check and the print samples"
# The window's scenarios run on SQLite files of their own; the browser's, and the window as a
# server's client, run against `hairyo serve` on the throwaway PostgreSQL cluster.
# The two run side by side, each one test at a time: the window's journeys on an X display of
# their own, Chromium headless; each spends most of its time waiting on the other programs.
e2e() {
  local log rc=0
  log="$(mktemp "${TMPDIR:-/tmp}/hairyo-browser.XXXXXX")"
  cargo test --workspace --test browser -- --test-threads=1 >"$log" 2>&1 &
  E2E_PID=$!
  xvfb-run -a -s "-screen 0 1280x1024x24" cargo test --workspace --test window -- --test-threads=1 || rc=$?
  wait "$E2E_PID" || rc=$?
  printf '\n--- the browser (ran beside the window) ---\n'
  cat "$log"
  rm -f "$log"
  return "$rc"
}
step "e2e: the real window under Xvfb, and Chromium on hairyo serve" e2e
# The packages: built, installed on this machine, the installed server answering with its
# packaged configuration and the installed window passing its smoke journey, then removed.
# They pack the debug build the steps above made (HAIRYO_PACKAGE_PROFILE=debug): a second,
# optimised build of the tree was most of a warm run's time; what this step tests is the
# packaging, the install and the installed programs' running, which do not depend on the
# profile. `scripts/build-packages.sh` alone builds a release.
step "packages: build, install, check the installed server and window, remove" \
  env HAIRYO_PACKAGE_PROFILE=debug "$ROOT/scripts/test-packages.sh"
unset HAIRYO_TEST_PG PGSSLMODE PGSSLROOTCERT

printf '\nAll tests passed.\n'
printf '%s\n' "${timings[@]}"

#!/usr/bin/env bash
# Builds and starts the Hairyo desktop app. On the first run it creates the default database
# with 2,000 fictional persons, so there is something to look at. Safe to run again.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
if [[ -d "$HOME/.cargo/bin" && ":$PATH:" != *":$HOME/.cargo/bin:"* ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi

cd "$ROOT"
cargo build -p hairyo -p hairyo-desktop

TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET" = /* ]] || TARGET="$ROOT/$TARGET"

# The database the app opens: HAIRYO_DB, or the OS app-data directory (as the core's
# hairyo::store::default_db_path computes it on Linux).
DB="${HAIRYO_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/jp.hairyo.desktop/hairyo.db}"
if [[ ! -e "$DB" ]]; then
  echo "run-app: creating $DB with demo data (2,000 persons)"
  echo "run-app: demo sign-in: admin (or kokuho1, kaigo1 …) with the demo password hairyo-demo"
  # The demo database is fictional; its staff share the documented demo password.
  if ! { HAIRYO_PASSWORD=hairyo-demo "$TARGET/debug/hairyo" --db "$DB" init &&
         HAIRYO_PASSWORD=hairyo-demo "$TARGET/debug/hairyo" --db "$DB" demo --persons 2000; }; then
    echo "run-app: could not create the demo database with the CLI; the app offers demo data on first start" >&2
  fi
fi

export HAIRYO_DB="$DB"
exec "$TARGET/debug/hairyo-desktop"

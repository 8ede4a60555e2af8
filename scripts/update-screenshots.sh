#!/usr/bin/env bash
# Refreshes the checked-in screenshots in docs/screenshots/ on purpose: runs the window's e2e
# scenarios with HAIRYO_UPDATE_SCREENSHOTS=1 (the test command writes them under
# target/screenshots/ instead, so it never changes the tree). Look at every image before
# committing them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/setup.sh"
export PATH="$PATH:$ROOT/.tools/bin"
cargo build --workspace --all-targets
HAIRYO_UPDATE_SCREENSHOTS=1 xvfb-run -a -s "-screen 0 1280x1024x24" \
  cargo test --workspace --test window -- --test-threads=1
git -C "$ROOT" status --short docs/screenshots/

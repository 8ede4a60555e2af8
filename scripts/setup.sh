#!/usr/bin/env bash
# Installs what Hairyo needs to build, run and test on Debian 12, then builds the UI.
# Idempotent: it installs only what is missing, so running it twice is safe and quick.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Build and test dependencies (see the design notes), plus Japanese fonts for the window.
APT_PACKAGES=(
  build-essential pkg-config libssl-dev
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev libgtk-3-dev
  libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
  xvfb xauth webkit2gtk-driver poppler-utils
  fonts-morisawa-bizud-gothic fonts-noto-cjk
  postgresql-15 postgresql-client-15
  curl openssl
  haproxy
  systemd
  chromium chromium-driver
  slapd ldap-utils
)
NODE_MIN_MAJOR=20

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

# --- apt packages -------------------------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]} > 0)); then
  say "installing apt packages: ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    die "missing packages (${missing[*]}) and no sudo; install them as root: apt-get install -y ${missing[*]}"
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update
  "${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
else
  say "apt packages: all present"
fi

# --- Rust ---------------------------------------------------------------------------------
if [[ -d "$HOME/.cargo/bin" && ":$PATH:" != *":$HOME/.cargo/bin:"* ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null; then
  die "cargo not found. Install Rust with rustup: curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh  (then open a new shell)"
fi
say "rust: $(cargo --version)"

# --- tauri-driver (drives the window in the e2e test) -------------------------------------
if command -v tauri-driver >/dev/null; then
  say "tauri-driver: $(command -v tauri-driver)"
elif [[ -x "$ROOT/.tools/bin/tauri-driver" ]]; then
  say "tauri-driver: $ROOT/.tools/bin/tauri-driver"
else
  say "installing tauri-driver into $ROOT/.tools"
  cargo install tauri-driver --locked --root "$ROOT/.tools"
fi

# --- Node and the UI ----------------------------------------------------------------------
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  die "node and npm not found. Install Node.js ${NODE_MIN_MAJOR} or newer (e.g. from https://nodejs.org or NodeSource), then run this again"
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if ((node_major < NODE_MIN_MAJOR)); then
  die "Node.js $(node -v) is too old for Vite 7; install Node.js ${NODE_MIN_MAJOR} or newer"
fi
say "node: $(node -v), npm: $(npm -v)"

cd "$ROOT/ui"
# npm writes node_modules/.package-lock.json on every install; when it is older than the lock
# file, the dependencies changed since the last install.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing UI dependencies (npm ci)"
  npm ci --no-audit --no-fund
else
  say "UI dependencies: up to date"
fi
say "building the UI into ui/dist"
npm run --silent build

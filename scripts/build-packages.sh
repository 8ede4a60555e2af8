#!/usr/bin/env bash
# Builds the two Debian packages of this release into target/packages/:
#
#   hairyo-desktop_<version>_<arch>.deb  the window (Tauri's bundler): /usr/bin/hairyo-desktop,
#                                        its desktop entry and icon, WebKitGTK and the fonts
#   hairyo-server_<version>_<arch>.deb   /usr/bin/hairyo, the browser UI, the systemd unit,
#                                        /etc/hairyo/hairyo.conf and the system user hairyo
#
# Release builds of both binaries first (the UI is built by scripts/setup.sh, which this runs).
# The Windows installer is built on a Windows machine instead: docs/deployment.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf 'build-packages: %s\n' "$*"; }
die() { printf 'build-packages: %s\n' "$*" >&2; exit 1; }

if [[ "${HAIRYO_SKIP_SETUP:-}" != 1 ]]; then
  "$ROOT/scripts/setup.sh"
fi
if [[ -d "$HOME/.cargo/bin" && ":$PATH:" != *":$HOME/.cargo/bin:"* ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
[[ -f ui/dist/index.html ]] || die "ui/dist is missing; run scripts/setup.sh (it builds the UI)"

# HAIRYO_PACKAGE_PROFILE=debug packs the debug build instead: the test command (scripts/test-all.sh)
# has just built it for its other steps, so the packaging test checks the packages' making,
# installing and running without a second, optimised build of the whole tree (docs/
# performance.md). A release to ship is always built with the release profile.
PROFILE="${HAIRYO_PACKAGE_PROFILE:-release}"
case "$PROFILE" in
  release)
    say "release build of hairyo and hairyo-desktop"
    cargo build --release --locked -p hairyo --bin hairyo -p hairyo-desktop --bin hairyo-desktop
    bundle_flags=()
    # xz: the smallest packages, for the machines they are copied to.
    compress=(-Zxz)
    ;;
  debug)
    # The same command (and so the same features) as the test command's build: nothing to do.
    say "debug build of the workspace (the test command's)"
    cargo build --locked --workspace --all-targets
    bundle_flags=(--debug)
    # Packed only to be installed here at once: xz took half a minute of the test command.
    compress=(-Zgzip -z1)
    ;;
  *) die "HAIRYO_PACKAGE_PROFILE is release or debug, not $PROFILE" ;;
esac

TARGET="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
BIN="$TARGET/$PROFILE"
VERSION="$("$BIN/hairyo" --version | awk '{print $2}')"
ARCH="$(dpkg --print-architecture)"
OUT="$TARGET/packages"
rm -rf "$OUT"
mkdir -p "$OUT"
[[ -n "$VERSION" ]] || die "could not read the version from hairyo --version"

# --- hairyo-desktop: Tauri's bundler ----------------------------------------------------------
say "hairyo-desktop $VERSION: tauri bundle --bundles deb"
rm -rf "$BIN/bundle/deb"
(cd src-tauri && "$ROOT/ui/node_modules/.bin/tauri" bundle --bundles deb --ci "${bundle_flags[@]}")
desktop="$(ls "$BIN"/bundle/deb/*_"$VERSION"_"$ARCH".deb 2>/dev/null | head -n1)"
[[ -f "$desktop" ]] || die "the bundler wrote no .deb for $VERSION into $BIN/bundle/deb"
# The bundler names the package after productName ("hairyo"); it is repacked as hairyo-desktop,
# beside hairyo-server, so that neither name suggests it is the other.
REPACK="$(mktemp -d "${TMPDIR:-/tmp}/hairyo-desktop-deb.XXXXXX")"
dpkg-deb -R "$desktop" "$REPACK/root"
sed -i -e 's/^Package: .*/Package: hairyo-desktop/' -e 's/^Maintainer: .*/Maintainer: Hairyo <hairyo@example.invalid>/' "$REPACK/root/DEBIAN/control"
install -D -m 0644 LICENSE "$REPACK/root/usr/share/doc/hairyo-desktop/copyright"
(cd "$REPACK/root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
dpkg-deb --root-owner-group "${compress[@]}" --build "$REPACK/root" "$OUT/hairyo-desktop_${VERSION}_${ARCH}.deb" >/dev/null
rm -rf "$REPACK"

# --- hairyo-server: staged by hand, packed with dpkg-deb ---------------------------------------
say "hairyo-server $VERSION"
STAGE="$(mktemp -d "${TMPDIR:-/tmp}/hairyo-server-deb.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
chmod 0755 "$STAGE"
install -D -m 0755 "$BIN/hairyo" "$STAGE/usr/bin/hairyo"
strip --strip-unneeded "$STAGE/usr/bin/hairyo"
mkdir -p "$STAGE/usr/share/hairyo"
cp -r ui/dist "$STAGE/usr/share/hairyo/ui"
install -D -m 0644 packaging/server/hairyo.service "$STAGE/lib/systemd/system/hairyo.service"
install -D -m 0644 packaging/server/hairyo.conf "$STAGE/etc/hairyo/hairyo.conf"
doc="$STAGE/usr/share/doc/hairyo-server"
install -D -m 0644 LICENSE "$doc/copyright"
install -m 0644 CHANGELOG.md docs/deployment.md docs/api.md docs/security.md "$doc/"
gzip -9n -c CHANGELOG.md >"$doc/changelog.gz"

# The shared libraries the binary links, as the packages that hold them (libc6 at least
# bookworm's).
libs="$(ldd "$STAGE/usr/bin/hairyo" | awk '/=>/ {print $3}')"
depends=("libc6 (>= 2.36)")
for lib in $libs; do
  real="$(readlink -f "$lib")"
  pkg="$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$real" 2>/dev/null || true)"
  pkg="${pkg%%:*}"
  [[ -n "$pkg" ]] || die "no package holds $lib (linked by hairyo)"
  [[ "$pkg" == libc6 ]] && continue
  [[ " ${depends[*]} " == *" $pkg "* || " ${depends[*]} " == *" $pkg,"* ]] && continue
  depends+=("$pkg")
done
# adduser for the system user; pg_dump / pg_restore for backups and the backup before an
# upgrade; Noto Sans CJK for the characters BIZ UD Gothic lacks in printed forms.
depends+=(adduser postgresql-client-15 fonts-noto-cjk)
installed_size="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"

mkdir -p "$STAGE/DEBIAN"
cat >"$STAGE/DEBIAN/control" <<EOF
Package: hairyo-server
Version: $VERSION
Architecture: $ARCH
Maintainer: Hairyo <hairyo@example.invalid>
Installed-Size: $installed_size
Depends: $(IFS=,; echo "${depends[*]}" | sed 's/,/, /g')
Recommends: postgresql-15
Suggests: hairyo-desktop
Section: misc
Priority: optional
Description: Hairyo (配慮) server for a city hall's desks
 hairyo serve: the JSON API and the browser UI for the 国保, 後期, 介護, 障害 and 児童
 desks working together so that people needing consideration get their 資格確認書,
 over one PostgreSQL 15 database. Runs as the systemd service hairyo.service with
 its settings in /etc/hairyo/hairyo.conf. Includes the hairyo command line.
EOF
echo /etc/hairyo/hairyo.conf >"$STAGE/DEBIAN/conffiles"
for script in postinst prerm postrm; do
  install -m 0755 "packaging/server/$script" "$STAGE/DEBIAN/$script"
done
(cd "$STAGE" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
dpkg-deb --root-owner-group "${compress[@]}" --build "$STAGE" "$OUT/hairyo-server_${VERSION}_${ARCH}.deb" >/dev/null

for deb in "$OUT"/*.deb; do
  say "$(basename "$deb"): $(du -h "$deb" | cut -f1)"
  dpkg-deb --field "$deb" Package Version Depends | sed 's/^/  /'
done

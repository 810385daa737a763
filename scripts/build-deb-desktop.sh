#!/bin/sh
# Builds clatter-desktop_<version>_<arch>.deb, the Electron app, with dpkg-deb alone. build-deb.sh
# (`npm run package`) runs it after the clatter package, where Electron's binary is available:
#
#   /usr/lib/clatter-desktop/electron/  Electron as npm's electron package downloaded it (its dist/):
#                                       the binary path.txt names, chrome-sandbox (setuid root, see
#                                       below), the .pak, .so, .bin and .dat files, locales/, resources/
#   /usr/lib/clatter-desktop/app/       the app Electron runs: package.json (its "main"), dist/app/main
#                                       and dist/app/preload (electron-vite's bundles), and
#                                       dist/renderer, a link to the clatter package's copy of the
#                                       screen (Depends: clatter (= the same version))
#   /usr/bin/clatter-desktop            runs the binary on the app directory
#   /usr/share/man/man1/clatter-desktop.1.gz, /usr/share/doc/clatter-desktop/{copyright,changelog.gz}
#   /usr/share/lintian/overrides/clatter-desktop  (the setuid sandbox, Chromium's bundled libraries)
#
# No menu entry of its own: clatter's entry runs clatter-open, which starts /usr/bin/clatter-desktop
# where it is installed. No maintainer scripts: nothing to create, enable or clean up.
#
# Usage: scripts/build-deb-desktop.sh ELECTRON_DIR OUT_DIR
#   ELECTRON_DIR  laid out as npm's electron package: path.txt naming the binary in ELECTRON_DIR/dist
#   OUT_DIR       where the .deb goes; its path is printed on stdout
set -eu

die() {
  echo "build-deb-desktop: $*" >&2
  exit 1
}

[ $# -eq 2 ] || die "usage: build-deb-desktop.sh ELECTRON_DIR OUT_DIR"
electron_dir=$(cd "$1" && pwd)
out=$(cd "$2" && pwd)
cd "$(dirname "$0")/.."

binary=$(cat "$electron_dir/path.txt")
[ -x "$electron_dir/dist/$binary" ] || die "no Electron binary $electron_dir/dist/$binary"
for file in dist/app/main/index.js dist/app/preload/preload.cjs; do
  [ -f "$file" ] || die "$file is missing: run npm run build:electron"
done
command -v dpkg-shlibdeps >/dev/null || die "dpkg-shlibdeps is missing (Debian: apt install dpkg-dev)"

version=$(node -p 'require("./package.json").version')
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg=$stage/clatter-desktop
lib=$pkg/usr/lib/clatter-desktop
umask 022
mkdir -p "$lib/electron" "$lib/app/dist/app" "$pkg/DEBIAN"

# --- /usr/lib/clatter-desktop/electron ----------------------------------------------------------
# Copied as downloaded; only the modes are Debian's: root's files, 0644 unless executable, and
# shared objects not executable (policy §8.1: the dynamic linker does not need it).
tar -C "$electron_dir/dist" -cf - . | tar -C "$lib/electron" --no-same-owner --no-same-permissions -xf -
find "$lib/electron" -type f \( -name '*.so' -o -name '*.so.*' \) -exec chmod 0644 {} +
# Chromium sandboxes its renderers with unprivileged user namespaces where the kernel allows them
# (Debian since 11), else with this setuid helper; found but not root's with mode 4755, Electron
# refuses to start. Shipped 4755 in the package, as Debian's chromium-sandbox ships its
# chrome-sandbox (policy §10.9: an admin may change it with dpkg-statoverride), not set by a chmod
# in postinst (electron-builder's packages do that, and so undo an admin's statoverride). The app
# keeps the sandbox on: no --no-sandbox.
if [ -f "$lib/electron/chrome-sandbox" ]; then
  chmod 4755 "$lib/electron/chrome-sandbox"
fi

# --- /usr/lib/clatter-desktop/app ---------------------------------------------------------------
tar -C dist/app --exclude='*.map' -cf - main preload | tar -C "$lib/app/dist/app" --no-same-owner -xf -
# The window loads dist/renderer/index.html under the app's path (electron/main/index.ts): the
# clatter package's copy, which Depends pins to this version.
ln -s ../../../clatter/dist/renderer "$lib/app/dist/renderer"
# What Electron reads: "main"; "type": "module" (the main bundle is an ES module); the name, which
# names the user's data directory (~/.config/clatter, as when run from a checkout); desktopName,
# the menu entry the window belongs to.
node -e '
  const p = require("./package.json");
  const kept = { name: p.name, version: p.version, description: p.description, license: p.license, type: p.type, main: p.main, desktopName: "clatter.desktop" };
  process.stdout.write(JSON.stringify(kept, null, 2) + "\n");
' >"$lib/app/package.json"

# --- /usr/bin/clatter-desktop -------------------------------------------------------------------
mkdir -p "$pkg/usr/bin"
cat >"$pkg/usr/bin/clatter-desktop" <<EOF
#!/bin/sh
# Clatter's desktop app: the Electron under /usr/lib/clatter-desktop/electron running the app in
# /usr/lib/clatter-desktop/app (Electron's default app loads the directory it is given).
exec /usr/lib/clatter-desktop/electron/$binary /usr/lib/clatter-desktop/app "\$@"
EOF
chmod 0755 "$pkg/usr/bin/clatter-desktop"

# --- documentation, the lintian override --------------------------------------------------------
install -d "$pkg/usr/share/man/man1" "$pkg/usr/share/doc/clatter-desktop" "$pkg/usr/share/lintian/overrides"
gzip -9n <packaging/desktop/clatter-desktop.1 >"$pkg/usr/share/man/man1/clatter-desktop.1.gz"
install -m 0644 packaging/debian/clatter-desktop.copyright "$pkg/usr/share/doc/clatter-desktop/copyright"
gzip -9n <packaging/debian/changelog >"$pkg/usr/share/doc/clatter-desktop/changelog.gz"
install -m 0644 packaging/debian/clatter-desktop.lintian-overrides "$pkg/usr/share/lintian/overrides/clatter-desktop"

# --- DEBIAN/ ------------------------------------------------------------------------------------
# The shared libraries Electron's ELF files need (GTK, NSS, ALSA, …), as dpkg-shlibdeps finds them.
# It wants a debian/control to stand in. The libraries Electron brings itself (libffmpeg.so, found
# through its RPATH $ORIGIN) it finds in this tree (DEBIAN/ marks its root) and does not depend on.
elves=$(find "$lib/electron" -type f -exec sh -c '[ "$(od -An -tx1 -N4 "$1" | tr -d " ")" = 7f454c46 ] && echo "$1"' sh {} \;)
shlibs=""
if [ -n "$elves" ]; then
  mkdir -p "$stage/src/debian"
  printf 'Source: clatter\n\nPackage: clatter-desktop\nArchitecture: any\n' >"$stage/src/debian/control"
  # shellcheck disable=SC2086 # one path a line, none with a space (Electron's own names)
  (cd "$stage/src" && dpkg-shlibdeps -O $elves) >"$stage/shlibs" || die "dpkg-shlibdeps failed (above)"
  shlibs=$(sed -n 's/^shlibs:Depends=//p' "$stage/shlibs")
fi
installed_kib=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
maintainer=${DEBFULLNAME:-Clatter developers}" <"${DEBEMAIL:-clatter@example.org}">"
cat >"$pkg/DEBIAN/control" <<EOF
Package: clatter-desktop
Source: clatter
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_kib
Depends: clatter (= $version)${shlibs:+, $shlibs}
Section: net
Priority: optional
Description: 464XLAT CLAT for Linux desktops: the desktop app
 Clatter gives an IPv6-only host IPv4, as Android, iOS, macOS and Windows do
 on IPv6-only Wi-Fi and mobile networks: a customer-side translator (CLAT,
 RFC 6877) for the network's NAT64.
 .
 This package is Clatter's screen as a desktop app (Electron): a window with
 the NAT64 prefix, live traffic, the programs using IPv4 and each packet
 beside its translation, and a tray icon that shows the CLAT's state and
 switches it. Clatter in the menu opens it once it is installed.
EOF
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/md5sums" "$pkg/DEBIAN/control"

deb="$out/clatter-desktop_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >&2
echo "$deb"

#!/bin/sh
# `npm run package`: builds the Debian package clatter_<version>_<arch>.deb with dpkg-deb alone
# (nothing is downloaded). It holds what Clatter needs at run time and nothing else:
#
#   /usr/lib/clatter/             the engine, CLI and UI server (dist/core, compiled JavaScript),
#                                 the screen (dist/renderer, vite's bundle), the native addon and
#                                 the demo's clatter-call (build/Release), build-info.json (commit),
#                                 a package.json (the version; "type": "module"), clatter-open
#   /usr/bin/clatter              runs the CLI with Debian's node
#   /lib/systemd/system/          clatter.service (clatter engine --auto, hardened)
#   /usr/lib/sysusers.d/          the clatter group
#   /usr/share/polkit-1/actions/  the desktop app's pkexec action, naming /usr/bin/clatter
#   /usr/lib/NetworkManager/conf.d/  leave the clat device unmanaged
#   /usr/share/applications/, /usr/share/icons/  the menu entry and its icon
#   /usr/share/man/man1/clatter.1.gz, /usr/share/doc/clatter/{copyright,changelog.gz}
#
# No node_modules: the engine and CLI import only Node's standard library, and the screen's
# libraries are inside the renderer bundle. The Electron app is a package of its own,
# clatter-desktop (scripts/build-deb-desktop.sh), built too where the Electron binary has been
# downloaded; where it has not, the script says so and builds clatter alone.
#
# Usage: scripts/build-deb.sh [--no-build] [--out DIR] [--electron DIR]
#   --no-build      use dist/ as it is (`npm run build`, and `npm run build:electron` for
#                   clatter-desktop, already ran); default: run them first
#   --out DIR       where the .debs go (default: the checkout); their paths are printed on stdout
#   --electron DIR  npm's electron package to take the binary from (path.txt, dist/); default
#                   node_modules/electron
set -eu

die() {
  echo "build-deb: $*" >&2
  exit 1
}

checkout=$(cd "$(dirname "$0")/.." && pwd)
out=$checkout
build=true
electron_dir=$checkout/node_modules/electron
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=false ;;
    --out)
      [ $# -ge 2 ] || die "--out needs a directory"
      out=$2
      shift
      ;;
    --electron)
      [ $# -ge 2 ] || die "--electron needs a directory"
      electron_dir=$2
      shift
      ;;
    -h | --help)
      sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done
# Both directories as the caller named them, relative to where it runs.
[ -d "$out" ] || die "no directory $out"
out=$(cd "$out" && pwd)
if [ -d "$electron_dir" ]; then electron_dir=$(cd "$electron_dir" && pwd); fi
cd "$checkout"

command -v dpkg-deb >/dev/null || die "dpkg-deb is missing (Debian: apt install dpkg)"

# clatter-desktop needs Electron's own binary, which npm's electron package downloads on first use
# (into dist/, named by path.txt). Only look: require("electron") would start that download.
desktop=false
if [ -f "$electron_dir/path.txt" ] && [ -x "$electron_dir/dist/$(cat "$electron_dir/path.txt")" ]; then
  if command -v dpkg-shlibdeps >/dev/null; then
    desktop=true
  else
    desktop_skipped="dpkg-shlibdeps, which names the libraries Electron needs, is missing (apt install dpkg-dev)"
  fi
else
  desktop_skipped="the Electron binary is not downloaded in $electron_dir (npx install-electron)"
fi

if $build; then
  npm run --silent build >&2
  if $desktop; then npm run --silent build:electron >&2; fi
fi
for file in dist/core/cli/main.js dist/renderer/index.html; do
  [ -f "$file" ] || die "$file is missing: run npm run build"
done
for file in build/Release/clatter_native.node build/Release/clatter-call; do
  [ -f "$file" ] || die "$file is missing: run npm install (it builds the addon; needs build-essential)"
done

version=$(node -p 'require("./package.json").version')
changelog_version=$(sed -n '1s/^clatter (\([^)]*\)).*/\1/p' packaging/debian/changelog)
[ "$version" = "$changelog_version" ] ||
  die "package.json says $version, packaging/debian/changelog's newest entry $changelog_version: add an entry"
arch=$(dpkg --print-architecture)
commit=$(git rev-parse HEAD 2>/dev/null || true)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg=$stage/clatter
lib=$pkg/usr/lib/clatter
umask 022
mkdir -p "$lib/dist" "$lib/bin" "$lib/build/Release" "$pkg/DEBIAN"

# --- /usr/lib/clatter -----------------------------------------------------------------------
# Compiled modules only: no declarations or source maps, no tests, no Electron shell.
tar -C dist --exclude='*.d.ts' --exclude='*.map' -cf - core renderer | tar -C "$lib/dist" --no-same-owner -xf -
install -m 0755 bin/clatter.js "$lib/bin/clatter.js"
# The addon is a shared object (0644); clatter-call a program. Stripped, as Debian ships binaries.
install -m 0644 build/Release/clatter_native.node "$lib/build/Release/"
install -m 0755 build/Release/clatter-call "$lib/build/Release/"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$lib/build/Release/clatter_native.node" "$lib/build/Release/clatter-call"
# findPackageRoot() knows the install by this file; "type": "module" makes dist/ load as ES modules.
node -e '
  const p = require("./package.json");
  const kept = { name: p.name, version: p.version, description: p.description, license: p.license, type: p.type, engines: p.engines };
  process.stdout.write(JSON.stringify(kept, null, 2) + "\n");
' >"$lib/package.json"
# `clatter version` reads the commit from here (core/install/build-info.ts).
if [ -n "$commit" ]; then
  printf '{ "commit": "%s" }\n' "$commit" >"$lib/build-info.json"
fi
install -m 0755 packaging/desktop/clatter-open "$lib/clatter-open"

# --- /usr/bin/clatter -----------------------------------------------------------------------
mkdir -p "$pkg/usr/bin"
cat >"$pkg/usr/bin/clatter" <<'EOF'
#!/bin/sh
# Clatter's command: the CLI installed under /usr/lib/clatter, run by Debian's node (pkexec and
# systemd run this path; neither keeps the caller's PATH).
exec /usr/bin/node /usr/lib/clatter/bin/clatter.js "$@"
EOF
chmod 0755 "$pkg/usr/bin/clatter"

# --- the service, its group, its policy, NetworkManager ---------------------------------------
install -d "$pkg/lib/systemd/system" "$pkg/usr/lib/sysusers.d" "$pkg/usr/share/polkit-1/actions" "$pkg/usr/lib/NetworkManager/conf.d"
sed 's#/usr/local/bin/clatter#/usr/bin/clatter#g' packaging/systemd/clatter.service >"$pkg/lib/systemd/system/clatter.service"
install -m 0644 packaging/sysusers/clatter.conf "$pkg/usr/lib/sysusers.d/clatter.conf"
sed 's#/usr/local/bin/clatter#/usr/bin/clatter#g' packaging/polkit/org.clatter.engine.policy >"$pkg/usr/share/polkit-1/actions/org.clatter.engine.policy"
install -m 0644 packaging/networkmanager/90-clatter.conf "$pkg/usr/lib/NetworkManager/conf.d/90-clatter.conf"
grep -q /usr/local/ "$pkg/lib/systemd/system/clatter.service" "$pkg/usr/share/polkit-1/actions/org.clatter.engine.policy" &&
  die "a /usr/local path is left in the unit or the policy"

# --- the menu entry ---------------------------------------------------------------------------
install -D -m 0644 packaging/desktop/clatter.desktop "$pkg/usr/share/applications/clatter.desktop"
install -D -m 0644 packaging/desktop/clatter.svg "$pkg/usr/share/icons/hicolor/scalable/apps/clatter.svg"

# --- documentation: clatter(1) from the help texts, the licence, the changelog ----------------
install -d "$pkg/usr/share/man/man1" "$pkg/usr/share/doc/clatter"
node "$lib/dist/core/cli/man-page.js" | gzip -9n >"$pkg/usr/share/man/man1/clatter.1.gz"
install -m 0644 packaging/debian/copyright "$pkg/usr/share/doc/clatter/copyright"
gzip -9n <packaging/debian/changelog >"$pkg/usr/share/doc/clatter/changelog.gz"

# --- DEBIAN/ ----------------------------------------------------------------------------------
# The shared libraries the two ELF files need (libc6), as dpkg-shlibdeps finds them; it wants a
# debian/control to stand in, and warns about the napi_* symbols, which node itself provides.
shlibs=libc6
if command -v dpkg-shlibdeps >/dev/null; then
  mkdir -p "$stage/src/debian"
  printf 'Source: clatter\n\nPackage: clatter\nArchitecture: any\n' >"$stage/src/debian/control"
  found=$(cd "$stage/src" && dpkg-shlibdeps -O "$lib/build/Release/clatter_native.node" "$lib/build/Release/clatter-call" 2>/dev/null |
    sed -n 's/^shlibs:Depends=//p')
  [ -n "$found" ] && shlibs=$found
fi
installed_kib=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
maintainer=${DEBFULLNAME:-Clatter developers}" <"${DEBEMAIL:-clatter@example.org}">"
cat >"$pkg/DEBIAN/control" <<EOF
Package: clatter
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_kib
Depends: nodejs (>= 20), iproute2, nftables, $shlibs
Recommends: xdg-utils
Suggests: pkexec
Section: net
Priority: optional
Description: 464XLAT CLAT for Linux desktops, with a live monitor
 Clatter gives an IPv6-only host IPv4, as Android, iOS, macOS and Windows do
 on IPv6-only Wi-Fi and mobile networks: a customer-side translator (CLAT,
 RFC 6877) that translates the host's IPv4 packets to IPv6 (RFC 7915) for the
 network's NAT64, which it finds by itself (PREF64 in Router Advertisements,
 or DNS64).
 .
 The engine runs as the clatter service and turns the CLAT on when the host
 is IPv6-only. Members of the clatter group can watch and switch it with the
 clatter command or in the browser (Clatter in the menu): the NAT64 prefix,
 live traffic, the programs using IPv4, and each packet beside its
 translation.
EOF
for script in postinst prerm postrm; do
  install -m 0755 "packaging/debian/$script" "$pkg/DEBIAN/$script"
done
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/md5sums" "$pkg/DEBIAN/control"

deb="$out/clatter_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >&2

echo "$deb"

# --- clatter-desktop --------------------------------------------------------------------------
if $desktop; then
  sh scripts/build-deb-desktop.sh "$electron_dir" "$out"
else
  echo "build-deb: clatter-desktop not built, clatter alone: $desktop_skipped" >&2
fi

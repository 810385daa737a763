#!/bin/sh
# Installs the Debian packages the tests use, when they are missing and we may (root).
# tshark: the capture tests check that Wireshark reads our pcapng and finds every checksum valid.
# The namespace lab (core/lab) runs real peers: radvd (RAs), unbound (DNS64), tayga (NAT64),
# nftables (NAT44 behind tayga), iperf3, python3 (the PREF64 RA sender and the UDP echo server),
# bind9-dnsutils (dig), curl, iproute2 (ip, ss), ndisc6 (rdisc6) and tcpdump; python3-scapy is there
# for end-to-end tests that craft packets. chromium: the UI's end-to-end test drives Debian's
# Chromium through playwright-core (never a browser download). traceroute: the end-to-end test of
# the ICMP errors the CLAT passes on (hops before the NAT64 show as 192.0.0.8, RFC 7600).
#
# --lab-only: just the lab's peers, what `clatter demo` needs (no tshark, Chromium or scapy).
set -e
lab_only=false
[ "$1" = "--lab-only" ] && lab_only=true
missing=""
$lab_only || command -v tshark >/dev/null 2>&1 || missing="$missing tshark"
command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
command -v radvd >/dev/null 2>&1 || missing="$missing radvd"
command -v unbound >/dev/null 2>&1 || missing="$missing unbound"
command -v tayga >/dev/null 2>&1 || missing="$missing tayga"
command -v nft >/dev/null 2>&1 || missing="$missing nftables"
command -v iperf3 >/dev/null 2>&1 || missing="$missing iperf3"
command -v dig >/dev/null 2>&1 || missing="$missing bind9-dnsutils"
command -v curl >/dev/null 2>&1 || missing="$missing curl"
command -v rdisc6 >/dev/null 2>&1 || missing="$missing ndisc6"
command -v tcpdump >/dev/null 2>&1 || missing="$missing tcpdump"
command -v ping >/dev/null 2>&1 || missing="$missing iputils-ping"
$lab_only || [ -x /usr/bin/chromium ] || missing="$missing chromium"
$lab_only || command -v traceroute >/dev/null 2>&1 || missing="$missing traceroute"
# Debian's own python3, not whichever python3 comes first in PATH: the lab runs /usr/bin/python3.
[ -x /usr/bin/python3 ] || missing="$missing python3"
$lab_only || { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import scapy' >/dev/null 2>&1; } || missing="$missing python3-scapy"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-test-tools: missing Debian packages:$missing (run as root, or: sudo apt-get install$missing)" >&2
  exit 0
fi
echo "ensure-test-tools: installing$missing" >&2
# The lab's daemons may only ever run inside the lab's namespaces, never on this machine's own
# network: Debian starts unbound (a resolver on 127.0.0.1), and tayga's init script creates a TUN
# and NAT rules. So deny service starts while installing (policy-rc.d, exit 101: "action forbidden")
# and leave their boot-time services disabled.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
# Only the services of packages installed here: an admin's own unbound stays as it was.
for package in $missing; do
  case "$package" in
    unbound) systemctl disable --quiet unbound.service unbound-resolvconf.service >/dev/null 2>&1 || true ;;
    radvd | iperf3) systemctl disable --quiet "$package.service" >/dev/null 2>&1 || true ;;
    tayga) update-rc.d tayga disable >/dev/null 2>&1 || true ;;
  esac
done

#!/bin/sh
# Installs the Debian packages the tests use, when they are missing and we may (root).
# tshark: the capture tests check that Wireshark reads our pcapng and finds every checksum valid.
# The namespace lab (core/lab) runs real peers: radvd (RAs), unbound (DNS64), tayga (NAT64),
# nftables (NAT44 behind tayga), iperf3, python3 (the PREF64 RA sender and the UDP echo server),
# bind9-dnsutils (dig), curl, iproute2 (ip, ss), ndisc6 (rdisc6) and tcpdump; python3-scapy is there
# for end-to-end tests that craft packets, ethtool for those that turn a lab link's offloads (GRO, TSO)
# on and off. chromium: the UI's end-to-end test drives Debian's Chromium through playwright-core
# (never a browser download). network-manager: the NetworkManager lab (core/lab/network-manager.ts)
# runs Debian's NetworkManager with a private dbus-daemon, confined to a lab namespace; Debian must
# not start it on this machine (see policy-rc.d below). The firewall tests load real desktop
# firewalls into the lab's host namespace only (core/lab/firewalls/): iptables (its nft backend, as
# Docker's rules use it), ufw, and firewalld (which brings python3-dbus, python3-nftables and dbus).
# The package test (test/package/) checks the .deb `npm run package` builds: lintian, the desktop
# entry (desktop-file-validate), the polkit policy against polkit's DTD (xmllint, the DTD from
# polkitd), the unit (systemd-analyze, from systemd), apt-get to install it in a throwaway root;
# dpkg-dev: dpkg-shlibdeps names the libraries of clatter-desktop's Electron (and the addon's).
# traceroute: the end-to-end test of the ICMP errors the CLAT passes on (hops before the NAT64 show
# as 192.0.0.8, RFC 7600).
#
# --lab-only: just the lab's peers, what `clatter demo` needs (no tshark, Chromium, scapy, ethtool or
# NetworkManager).
set -e
lab_only=false
[ "$1" = "--lab-only" ] && lab_only=true
missing=""
$lab_only || command -v tshark >/dev/null 2>&1 || missing="$missing tshark"
command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
# sysctl and pgrep: the lab reads and sets its namespaces' sysctls (minimal images lack procps).
command -v sysctl >/dev/null 2>&1 || missing="$missing procps"
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
$lab_only || command -v ethtool >/dev/null 2>&1 || missing="$missing ethtool"
$lab_only || [ -x /usr/bin/chromium ] || missing="$missing chromium"
$lab_only || command -v lintian >/dev/null 2>&1 || missing="$missing lintian"
$lab_only || command -v desktop-file-validate >/dev/null 2>&1 || missing="$missing desktop-file-utils"
$lab_only || command -v xmllint >/dev/null 2>&1 || missing="$missing libxml2-utils"
$lab_only || [ -f /usr/share/polkit-1/policyconfig-1.dtd ] || missing="$missing polkitd"
$lab_only || command -v systemd-analyze >/dev/null 2>&1 || missing="$missing systemd"
$lab_only || command -v dpkg-deb >/dev/null 2>&1 || missing="$missing dpkg"
$lab_only || command -v dpkg-shlibdeps >/dev/null 2>&1 || missing="$missing dpkg-dev"
$lab_only || command -v traceroute >/dev/null 2>&1 || missing="$missing traceroute"
# Debian's own python3, not whichever python3 comes first in PATH: the lab runs /usr/bin/python3.
[ -x /usr/bin/python3 ] || missing="$missing python3"
$lab_only || { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import scapy' >/dev/null 2>&1; } || missing="$missing python3-scapy"
$lab_only || [ -x /usr/sbin/NetworkManager ] || missing="$missing network-manager"
$lab_only || [ -x /usr/bin/dbus-daemon ] || missing="$missing dbus-daemon"
$lab_only || [ -x /usr/sbin/iptables-nft ] || missing="$missing iptables"
$lab_only || [ -x /usr/sbin/ufw ] || missing="$missing ufw"
$lab_only || [ -x /usr/sbin/firewalld ] || missing="$missing firewalld"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-test-tools: missing Debian packages:$missing (run as root, or: sudo apt-get install$missing)" >&2
  exit 0
fi
echo "ensure-test-tools: installing$missing" >&2
# The lab's daemons may only ever run inside the lab's namespaces, never on this machine's own
# network: Debian starts unbound (a resolver on 127.0.0.1), and tayga's init script creates a TUN
# and NAT rules, firewalld's unit would load its ruleset. So deny service starts while installing
# (policy-rc.d, exit 101: "action forbidden") and leave their boot-time services disabled. ufw's
# postinst keeps ENABLED=no (its debconf default, unanswered here), so it loads no rules either.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
  # A signal does not run dash's EXIT trap: the block on service starts must not outlive the install.
  trap 'rm -f "$policy"; exit 130' INT TERM HUP
fi
# Other test runs on the same machine may hold dpkg's lock for a while: wait for it.
apt-get update -qq -o DPkg::Lock::Timeout=300
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 $missing >/dev/null
# Only the services of packages installed here: an admin's own unbound stays as it was.
for package in $missing; do
  case "$package" in
    unbound) systemctl disable --quiet unbound.service unbound-resolvconf.service >/dev/null 2>&1 || true ;;
    radvd | iperf3) systemctl disable --quiet "$package.service" >/dev/null 2>&1 || true ;;
    tayga) update-rc.d tayga disable >/dev/null 2>&1 || true ;;
    # NetworkManager must never manage this machine's own interfaces: its unit and its init script
    # stay disabled (PID 1 may be systemd on a developer's machine, sysvinit or none elsewhere).
    network-manager)
      systemctl disable --quiet NetworkManager.service NetworkManager-wait-online.service NetworkManager-dispatcher.service >/dev/null 2>&1 || true
      update-rc.d network-manager disable >/dev/null 2>&1 || true
      ;;
    ufw)
      systemctl disable --quiet ufw.service >/dev/null 2>&1 || true
      update-rc.d ufw disable >/dev/null 2>&1 || true
      ;;
    firewalld) systemctl disable --quiet firewalld.service >/dev/null 2>&1 || true ;;
    polkitd) systemctl disable --quiet polkit.service >/dev/null 2>&1 || true ;;
  esac
done
# Say so if the install left a NetworkManager running on this machine's own network (it must not).
for package in $missing; do
  if [ "$package" = network-manager ]; then
    root_net=$(readlink /proc/1/ns/net)
    for pid in $(pgrep -x NetworkManager || true); do
      if [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$root_net" ]; then
        echo "ensure-test-tools: WARNING: NetworkManager (pid $pid) runs on this machine's own network" >&2
      fi
    done
  fi
done

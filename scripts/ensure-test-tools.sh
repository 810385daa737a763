#!/bin/sh
# Installs the Debian packages the tests use, when they are missing and we may (root).
# tshark: the capture tests check that Wireshark reads our pcapng and finds every checksum valid.
set -e
missing=""
command -v tshark >/dev/null 2>&1 || missing="$missing tshark"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-test-tools: missing Debian packages:$missing (run as root, or: sudo apt-get install$missing)" >&2
  exit 0
fi
echo "ensure-test-tools: installing$missing" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null

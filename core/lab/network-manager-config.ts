// The files NetworkManager and its private system bus read in the lab (network-manager.ts): what a
// desktop's NetworkManager would have, minus everything that would reach beyond the lab.

import { randomUUID } from 'node:crypto';

/** The connection profile that holds the host's uplink; also its name in `nmcli connection`. */
export const uplinkConnection = 'uplink';

/**
 * A system bus for the lab's daemons (NetworkManager, firewalld) and clients alone: it listens at
 * `socketPath` (for NetworkManager, where the confinement bind-mounts the lab's socket dir), lets
 * anyone send anything (root is the only user in the lab), and has no <servicedir>, so nothing is
 * bus-activated (no nm-dispatcher scripts, no polkit).
 */
export function systemBusConfig(socketPath = '/run/dbus/system_bus_socket'): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${socketPath}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="method_return"/>
    <allow send_type="signal"/>
    <allow send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="signal"/>
    <allow receive_type="error"/>
  </policy>
</busconfig>
`;
}

/**
 * NetworkManager.conf: keyfile profiles only (Debian's ifupdown plugin would read this machine's
 * /etc/network/interfaces); no resolv.conf, hostname or polkit; no automatic "Wired connection 1"
 * beside the lab's profile; no connectivity check (it would try the Internet).
 */
export function networkManagerConfig(): string {
  return `[main]
plugins=keyfile
dns=none
rc-manager=unmanaged
hostname-mode=none
auth-polkit=false
no-auto-default=*

[connectivity]
enabled=false
`;
}

/**
 * The uplink's profile, as a desktop's default wired or Wi-Fi profile on an IPv6-only network:
 * IPv4 off, IPv6 by RAs (SLAAC, RFC 4862) with RFC 7217 stable-privacy addresses; `dns`, resolvers
 * for the link beside what the RAs say (NetworkManager lists them with those of RDNSS and DHCPv6).
 * NetworkManager reads keyfiles only when they are private to root (mode 0600).
 */
export function uplinkKeyfile(uplink: string, dns: readonly string[] = []): string {
  return `[connection]
id=${uplinkConnection}
uuid=${randomUUID()}
type=ethernet
interface-name=${uplink}
autoconnect=true

[ipv4]
method=disabled

[ipv6]
method=auto
addr-gen-mode=stable-privacy
${dns.length > 0 ? `dns=${dns.join(';')};\n` : ''}`;
}

// `clatter status` for people: a few aligned lines.

import { prefixSourceNames, type ClatStatus, type PrefixInfo, type ReplyHealth, type RunningClat } from '../api/status.js';

function ago(ms: number, nowMs: number): string {
  const seconds = Math.round((nowMs - ms) / 1000);
  return seconds < 120 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`;
}

function until(ms: number, nowMs: number): string {
  const seconds = Math.round((ms - nowMs) / 1000);
  return seconds <= 0 ? 'expired' : seconds < 120 ? `in ${seconds} s` : `in ${Math.round(seconds / 60)} min`;
}

function translatingText(status: RunningClat): string {
  if (status.workers === undefined || status.workers === 0) return 'main thread';
  const unseen = status.unobserved !== undefined && status.unobserved > 0 ? ` (${status.unobserved} translations too fast for flows and traces)` : '';
  return `${status.workers} worker thread${status.workers === 1 ? '' : 's'}, one per TUN queue${unseen}`;
}

/** "replies are not arriving" with its likely causes, numbered in the order to suspect them; nothing while replies arrive. */
function healthLines(health: ReplyHealth | undefined, nowMs: number): [string, string][] {
  if (health === undefined || health.state === 'ok') return [];
  const destinations = health.unansweredDestinations;
  const lines: [string, string][] = [
    [
      'replies',
      `are not arriving: ${health.unansweredRequests} request${health.unansweredRequests === 1 ? '' : 's'} (TCP SYN, ping) to ` +
        `${destinations.length} destinations unanswered since ${ago(health.sinceMs, nowMs)} (${destinations.join(', ')})`,
    ],
  ];
  health.causes.forEach((cause, i) => lines.push([i === 0 ? 'likely causes' : '', `${i + 1}. ${cause.text}`]));
  return lines;
}

/** For a DNS64 prefix: whom discovery asked (RFC 8880 §7.1 wants the network's resolvers). */
function resolversText(prefix: PrefixInfo): string {
  if (prefix.resolvers === undefined) return '';
  switch (prefix.resolvers.source) {
    case 'ra':
      return ` (asked ${prefix.resolvers.addresses.join(', ')}, the RDNSS of the uplink's RAs)`;
    case 'network-manager':
      return ` (asked ${prefix.resolvers.addresses.join(', ')}, the uplink's resolvers as NetworkManager knows them)`;
    case 'resolved':
      return ` (asked ${prefix.resolvers.addresses.join(', ')}, the uplink's resolvers as systemd-resolved knows them)`;
    case 'host':
      return " (asked the host's resolvers in /etc/resolv.conf: the network named none)";
  }
}

export function formatStatus(status: ClatStatus, nowMs = Date.now()): string {
  const lines: [string, string][] = [['state', `${status.state} (mode ${status.mode})`]];
  switch (status.state) {
    case 'off':
      if (status.reason !== undefined) lines.push(['reason', status.reason]);
      break;
    case 'discovering':
      lines.push(['uplink', status.uplink], ['since', ago(status.sinceMs, nowMs)]);
      break;
    case 'error':
      lines.push(['cause', status.cause]);
      if (status.uplink !== undefined) lines.push(['uplink', status.uplink]);
      break;
    case 'running': {
      const prefix = status.prefix;
      const expiry = prefix.expiresAtMs === null ? 'does not expire' : `expires ${until(prefix.expiresAtMs, nowMs)}`;
      const dropped = Object.entries(status.counters.dropped).map(([name, count]) => `${name} ${count}`).join(', ');
      lines.push(
        ['uplink', `${status.uplink} (delivery: ${status.delivery})`],
        ['interface', status.tun],
        ['IPv4', status.clatIpv4],
        ['IPv6', status.clatIpv6],
        ['NAT64 prefix', `${prefix.prefix} from ${prefixSourceNames[prefix.source]}${resolversText(prefix)}, ${expiry}`],
        ['MTU', `${status.mtu} (IPv4 route)`],
        ['offloads', status.offloads === undefined || status.offloads.length === 0 ? 'off' : `${status.offloads.join(' ')} (super-packets: ${status.counters.superPackets46} out, ${status.counters.superPackets64} in)`],
        ['translating', translatingText(status)],
        ['private IPv4', status.allowPrivateWkp === true
          ? 'translated under 64:ff9b::/96 too (--allow-private-wkp, draft-ietf-v6ops-nat64-wkp-1918)'
          : 'not under 64:ff9b::/96 (RFC 6052 §3.1)'],
        ['translated', `${status.counters.translated46} IPv4→IPv6 (${status.counters.bytes46} B), ${status.counters.translated64} IPv6→IPv4 (${status.counters.bytes64} B)`],
        ['dropped', dropped === '' ? 'none' : dropped],
        ...healthLines(status.health, nowMs),
        ['since', ago(status.sinceMs, nowMs)],
      );
      break;
    }
  }
  if (status.auto !== undefined) lines.push(['auto mode', status.auto]);
  const width = Math.max(...lines.map(([label]) => label.length));
  return lines.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n') + '\n';
}

// Statuses and links shared by the shell's tests.

import type { Snapshot } from '../../../core/api/messages.js';
import type { ClatStatus } from '../../../core/api/status.js';
import type { EngineLink } from '../../../core/api/ui-schema.js';

export const socketPath = '/run/clatter/engine.sock';

export const off: ClatStatus = { state: 'off', mode: 'manual' };
export const discovering: ClatStatus = { state: 'discovering', mode: 'manual', uplink: 'wlan0', sinceMs: 1 };
export const running: ClatStatus = {
  state: 'running',
  mode: 'manual',
  uplink: 'wlan0',
  tun: 'clat',
  clatIpv4: '192.0.0.1',
  clatIpv6: '2001:db8:1:2::c1a7',
  prefix: { prefix: '64:ff9b::/96', source: 'ra', learnedAtMs: 0, expiresAtMs: null },
  mtu: 1472,
  delivery: 'force-forwarding',
  sinceMs: 1,
  counters: { translated46: 0, translated64: 0, bytes46: 0, bytes64: 0, superPackets46: 0, superPackets64: 0, dropped: {} },
};
/** Running, but nothing comes back (core/observe/reply-health.ts). */
export const runningNoReplies: ClatStatus = {
  ...running,
  health: {
    state: 'no-replies',
    sinceMs: 1,
    unansweredDestinations: ['203.0.113.20', '203.0.113.21', '203.0.113.22'],
    unansweredRequests: 7,
    causes: [
      { kind: 'firewall', found: true, text: "a firewall rule drops the CLAT's new connections forwarded from clat to wlan0: table ip6 filter chain FORWARD policy drop (iptables-nft: Docker)" },
      { kind: 'nat64', found: false, text: 'the NAT64 unreachable (64:ff9b::/96 is routed via fe80::1 on wlan0; what lies beyond cannot be seen from here)' },
      { kind: 'prefix', found: false, text: 'a stale NAT64 prefix (64:ff9b::/96 from Router Advertisement (PREF64, RFC 8781), valid for 29 min more)' },
    ],
  },
};
export const failed: ClatStatus = { state: 'error', mode: 'manual', cause: 'no NAT64 prefix found on wlan0' };

export function connected(status: ClatStatus): EngineLink {
  // The controller reads only the snapshot's status.
  return { state: 'connected', socketPath, snapshot: { status } as unknown as Snapshot, flows: [] };
}

export const notRunning: EngineLink = {
  state: 'unavailable',
  socketPath,
  problem: 'not-running',
  message: `the engine is not running (no socket at ${socketPath})`,
  fix: 'Start the engine: sudo clatter engine',
  retryAtMs: 0,
};

// `clatter status` for people: a running CLAT whose replies are not arriving says so, with the
// unanswered destinations and the likely causes numbered in order; one whose replies arrive (or an
// engine without the check) shows no such lines.

import { describe, expect, it } from 'vitest';
import type { ClatStatus } from '../../core/api/status.js';
import { formatStatus } from '../../core/cli/status-text.js';

const nowMs = 1_000_000;
const running: ClatStatus = {
  state: 'running',
  mode: 'manual',
  uplink: 'wlan0',
  tun: 'clat',
  clatIpv4: '192.0.0.1',
  clatIpv6: '2001:db8:1:2::c1a7',
  prefix: { prefix: '2001:db8:64::/96', source: 'ra', learnedAtMs: nowMs - 60_000, expiresAtMs: nowMs + 1_740_000 },
  mtu: 1472,
  delivery: 'force-forwarding',
  sinceMs: nowMs - 120_000,
  counters: { translated46: 12, translated64: 0, bytes46: 720, bytes64: 0, superPackets46: 0, superPackets64: 0, dropped: {} },
};

describe('formatStatus: reply health', () => {
  it('no replies: the requests, the destinations, and the causes in order', () => {
    const text = formatStatus({
      ...running,
      health: {
        state: 'no-replies',
        sinceMs: nowMs - 8_000,
        unansweredDestinations: ['203.0.113.20', '203.0.113.21', '198.51.100.7'],
        unansweredRequests: 9,
        causes: [
          { kind: 'firewall', found: true, text: "a firewall rule drops the CLAT's new connections forwarded from clat to wlan0: table inet filter chain forward policy drop" },
          { kind: 'nat64', found: false, text: 'the NAT64 unreachable (2001:db8:64::/96 is routed via fe80::1 on wlan0; what lies beyond cannot be seen from here)' },
          { kind: 'prefix', found: false, text: 'a stale NAT64 prefix (2001:db8:64::/96 from Router Advertisement (PREF64, RFC 8781), valid for 29 min more)' },
        ],
      },
    }, nowMs);
    const lines = text.split('\n');
    const at = lines.findIndex((line) => line.startsWith('replies'));
    expect(lines.slice(at, at + 4)).toEqual([
      'replies        are not arriving: 9 requests (TCP SYN, ping) to 3 destinations unanswered since 8 s ago (203.0.113.20, 203.0.113.21, 198.51.100.7)',
      "likely causes  1. a firewall rule drops the CLAT's new connections forwarded from clat to wlan0: table inet filter chain forward policy drop",
      '               2. the NAT64 unreachable (2001:db8:64::/96 is routed via fe80::1 on wlan0; what lies beyond cannot be seen from here)',
      '               3. a stale NAT64 prefix (2001:db8:64::/96 from Router Advertisement (PREF64, RFC 8781), valid for 29 min more)',
    ]);
    expect(lines[at - 1]).toMatch(/^dropped +none$/);
  });

  it('replies arriving, or an engine without the check: no such lines', () => {
    for (const status of [{ ...running, health: { state: 'ok' as const } }, running]) {
      const text = formatStatus(status, nowMs);
      expect(text).not.toMatch(/replies|likely causes/);
      expect(text).toMatch(/^state +running \(mode manual\)$/m);
    }
  });
});

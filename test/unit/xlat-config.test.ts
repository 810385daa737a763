// The translator's configuration (core/xlat/config.ts): defaults, and errors that name the field.

import { describe, expect, it } from 'vitest';
import { parseSiitConfig } from '../../core/xlat/config.js';
import { hex } from './packet-check.js';

const base = { pool6: '2001:db8:64::/96', selfIpv4: '203.0.113.254', selfIpv6: '2001:db8:ffff::1' };

function errorOf(json: unknown): string {
  const result = parseSiitConfig(json);
  if (result.ok) throw new Error('configuration was accepted');
  return result.error;
}

describe('parseSiitConfig', () => {
  it('fills the defaults: lowestIpv6Mtu 1280 (RFC 7915 §4.1), MTUs 1500, UDP zero checksum drop, TTL decrement on', () => {
    const result = parseSiitConfig(base);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const c = result.config;
    expect(c.pool6?.length).toBe(96);
    expect(hex(c.pool6!.address)).toBe('20010db8006400000000000000000000');
    expect(c.eamt).toEqual([]);
    expect([c.lowestIpv6Mtu, c.mtu.ipv4, c.mtu.ipv6, c.udpZeroChecksum, c.decrementTtl]).toEqual([1280, 1500, 1500, 'drop', true]);
    expect([c.rfc6791v4, c.rfc6791v6, c.selfIpv4]).toEqual([null, null, 0xcb0071fe]);
    // RFC 6052 §3.1 by default: no private IPv4 under the well-known prefix.
    expect(c.allowPrivateWkp).toBe(false);
  });

  it('accepts every RFC 6052 prefix length: 32, 40, 48, 56, 64, 96', () => {
    for (const pool6 of ['2001:db8::/32', '2001:db8:100::/40', '2001:db8:122::/48', '2001:db8:122:300::/56', '2001:db8:122:344::/64', '2001:db8:122:344::/96']) {
      expect([pool6, parseSiitConfig({ ...base, pool6 }).ok]).toEqual([pool6, true]);
    }
  });

  it('pool6: other lengths, host bits, the u-octet (RFC 6052 §2.2), and non-strings are refused by name', () => {
    expect(errorOf({ ...base, pool6: '2001:db8::/44' })).toMatch(/^pool6: prefix length \/44 is not one of \/32, \/40, \/48, \/56, \/64, \/96/);
    expect(errorOf({ ...base, pool6: '2001:db8::/128' })).toMatch(/^pool6: /);
    expect(errorOf({ ...base, pool6: '2001:db8::1/96' })).toMatch(/^pool6: .*host bits/);
    // Bits 64-71 are inside a /96 prefix, and RFC 6052 §2.2 requires them to be zero.
    expect(errorOf({ ...base, pool6: '2001:db8:0:0:100::/96' })).toBe('pool6: bits 64 to 71 (the u-octet) must be zero (RFC 6052 §2.2)');
    expect(errorOf({ ...base, pool6: 64 })).toMatch(/^pool6: /);
    expect(errorOf({ ...base, pool6: 'not a prefix' })).toMatch(/^pool6: /);
  });

  it('pool6 may be null only when the EAMT has entries', () => {
    expect(errorOf({ ...base, pool6: null })).toMatch(/^pool6: needed unless eamt has entries/);
    expect(parseSiitConfig({ ...base, pool6: null, eamt: [{ ipv6: '2001:db8:1::/120', ipv4: '198.51.100.0/24' }] }).ok).toBe(true);
  });

  it('unknown fields are refused, by name, at the top level and in mtu', () => {
    expect(errorOf({ ...base, pool7: '2001:db8::/96' })).toBe('pool7: is not a configuration field');
    expect(errorOf({ ...base, mtu: { ipv4: 1500, ipv5: 1500 } })).toBe('mtu.ipv5: is not a configuration field');
  });

  it('bad EAMT entries name the entry and the side', () => {
    expect(errorOf({ ...base, eamt: {} })).toMatch(/^eamt: /);
    expect(errorOf({ ...base, eamt: [null] })).toMatch(/^eamt\[0\]: /);
    expect(errorOf({ ...base, eamt: [{ ipv4: '198.51.100.0/24' }] })).toMatch(/^eamt\[0\]\.ipv6: /);
    const good = { ipv6: '2001:db8:1::/120', ipv4: '198.51.100.0/24' };
    expect(errorOf({ ...base, eamt: [good, { ipv6: '2001:db8:2::/120', ipv4: '192.0.2.0/16' }] })).toMatch(/^eamt\[1\]\.ipv4: .*host bits/);
    expect(errorOf({ ...base, eamt: [good, { ipv6: '2001:db8:2::1/120', ipv4: '192.0.2.0/24' }] })).toMatch(/^eamt\[1\]\.ipv6: /);
    // RFC 7757 §3.2: the IPv4 suffix must fit in the IPv6 suffix.
    expect(errorOf({ ...base, eamt: [{ ipv6: '2001:db8:2::/120', ipv4: '192.0.0.0/16' }] })).toMatch(/^eamt\[0\]: the IPv4 suffix \(16 bits\) is longer than the IPv6 suffix \(8 bits\)/);
  });

  it('MTUs out of range or not whole numbers name their field', () => {
    expect(errorOf({ ...base, lowestIpv6Mtu: 1279 })).toMatch(/^lowestIpv6Mtu: /); // RFC 8200 §5: 1280 minimum
    expect(errorOf({ ...base, mtu: { ipv6: 1279 } })).toMatch(/^mtu\.ipv6: /);
    expect(errorOf({ ...base, mtu: { ipv4: 1259 } })).toMatch(/^mtu\.ipv4: /);
    expect(errorOf({ ...base, mtu: { ipv4: 65536 } })).toMatch(/^mtu\.ipv4: /);
    expect(errorOf({ ...base, mtu: { ipv6: 1500.5 } })).toMatch(/^mtu\.ipv6: /);
    expect(errorOf({ ...base, lowestIpv6Mtu: '1280' })).toMatch(/^lowestIpv6Mtu: /);
    expect(errorOf({ ...base, mtu: 1500 })).toMatch(/^mtu: /);
    const edge = parseSiitConfig({ ...base, lowestIpv6Mtu: 65535, mtu: { ipv4: 1260, ipv6: 1280 } });
    expect(edge.ok && [edge.config.lowestIpv6Mtu, edge.config.mtu.ipv4, edge.config.mtu.ipv6]).toEqual([65535, 1260, 1280]);
  });

  it('udpZeroChecksum takes only drop, compute or forward', () => {
    expect(errorOf({ ...base, udpZeroChecksum: 'fix' })).toBe('udpZeroChecksum: must be "drop", "compute" or "forward"');
    for (const policy of ['drop', 'compute', 'forward']) {
      const result = parseSiitConfig({ ...base, udpZeroChecksum: policy });
      expect(result.ok && result.config.udpZeroChecksum).toBe(policy);
    }
  });

  it('own addresses are required and checked; decrementTtl is a boolean; the whole config is an object', () => {
    expect(errorOf({ pool6: base.pool6, selfIpv6: base.selfIpv6 })).toMatch(/^selfIpv4: is required/);
    expect(errorOf({ pool6: base.pool6, selfIpv4: base.selfIpv4 })).toMatch(/^selfIpv6: is required/);
    expect(errorOf({ ...base, selfIpv4: '203.0.113.256' })).toMatch(/^selfIpv4: /);
    expect(errorOf({ ...base, selfIpv6: '2001:db8::g' })).toMatch(/^selfIpv6: /);
    expect(errorOf({ ...base, rfc6791v4: '2001:db8::1' })).toMatch(/^rfc6791v4: /);
    expect(errorOf({ ...base, rfc6791v6: '192.0.2.1' })).toMatch(/^rfc6791v6: /);
    expect(errorOf({ ...base, decrementTtl: 'yes' })).toMatch(/^decrementTtl: /);
    expect(errorOf({ ...base, allowPrivateWkp: 1 })).toMatch(/^allowPrivateWkp: must be true or false/);
    for (const json of [null, 'x', 1, []]) expect(errorOf(json)).toMatch(/^config: /);
  });
});

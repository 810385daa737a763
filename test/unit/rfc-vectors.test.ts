// Address vectors published in the RFCs (../shared/conformance/rfc-vectors.json): RFC 6052 §2.4,
// RFC 7050 ipv4only.arpa, Jool's graybox pool6, and RFC 7757 §3's example table, checked against
// core/xlat/rfc6052.ts, core/xlat/eamt.ts and, end to end, the translator.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6, parseIpv6Prefix } from '../../core/wire/address.js';
import { parseSiitConfig } from '../../core/xlat/config.js';
import { Eamt } from '../../core/xlat/eamt.js';
import { embedIpv4, extractIpv4, hasPrefix, rfc6052PrefixLengths } from '../../core/xlat/rfc6052.js';
import { conformanceDir } from '../conformance/jool-corpus.js';
import { addr4, addr6, ipv4, ipv6, udp } from './packet-builder.js';
import { packetProblems, readIpv4, readIpv6 } from './packet-check.js';
import { makeTranslator, net, only, run } from './xlat-fixture.js';

interface Vectors {
  rfc6052_sec2_4: { prefix: string; ipv4: string; ipv6: string }[];
  rfc7050_ipv4only_arpa: { prefix: string; aaaa: string[] }[];
  jool_graybox_pool6_40: { ipv4: string; ipv6: string }[];
  rfc7757_eamt: { ipv4: string; ipv6: string }[];
  rfc7757_sec3_examples: { ipv4: string; ipv6: string }[];
}

const vectors = JSON.parse(readFileSync(join(conformanceDir(), 'rfc-vectors.json'), 'utf8')) as Vectors;

function prefix(text: string) {
  const parsed = parseIpv6Prefix(text);
  if (parsed === undefined) throw new Error(`bad prefix in vectors: ${text}`);
  return parsed;
}

function embed(prefixText: string, v4: string): string {
  const out = new Uint8Array(16);
  embedIpv4(prefix(prefixText), addr4(v4), out, 0);
  return formatIpv6(out);
}

function extract(prefixText: string, v6: string): string {
  return formatIpv4(extractIpv4(prefix(prefixText).length, addr6(v6), 0));
}

describe('RFC 6052 §2.4: IPv4-embedded IPv6 addresses, all six prefix lengths', () => {
  it('has one vector per prefix length', () => {
    expect(vectors.rfc6052_sec2_4.map((v) => prefix(v.prefix).length)).toEqual([...rfc6052PrefixLengths]);
  });

  for (const v of vectors.rfc6052_sec2_4) {
    it(`${v.prefix}: ${v.ipv4} ↔ ${v.ipv6}`, () => {
      expect(embed(v.prefix, v.ipv4)).toBe(v.ipv6);
      expect(extract(v.prefix, v.ipv6)).toBe(v.ipv4);
      expect(hasPrefix(prefix(v.prefix), addr6(v.ipv6), 0)).toBe(true);
    });
  }

  it('skips the u-octet: bits 64-71 and the suffix stay zero for every length (RFC 6052 §2.2)', () => {
    // The layout of §2.2 written out: the IPv4 bytes follow the prefix, jumping over byte 8.
    const v4Bytes: Record<number, number[]> = { 32: [4, 5, 6, 7], 40: [5, 6, 7, 9], 48: [6, 7, 9, 10], 56: [7, 9, 10, 11], 64: [9, 10, 11, 12], 96: [12, 13, 14, 15] };
    for (const v of vectors.rfc6052_sec2_4) {
      const p = prefix(v.prefix);
      const out = new Uint8Array(16).fill(0xaa);
      embedIpv4(p, 0xffffffff, out, 0);
      const want = Array.from({ length: 16 }, (_, i) => (i < p.length / 8 ? p.address[i] : v4Bytes[p.length].includes(i) ? 0xff : 0));
      expect([v.prefix, Array.from(out)]).toEqual([v.prefix, want]);
      expect(formatIpv4(extractIpv4(p.length, out, 0))).toBe('255.255.255.255');
    }
  });

  it('writes and reads at an offset inside a larger buffer', () => {
    const out = new Uint8Array(40);
    embedIpv4(prefix('2001:db8:122:300::/56'), addr4('192.0.2.33'), out, 24);
    expect(formatIpv6(out, 24)).toBe('2001:db8:122:3c0:0:221::');
    expect(formatIpv4(extractIpv4(56, out, 24))).toBe('192.0.2.33');
  });

  for (const v of vectors.rfc6052_sec2_4) {
    it(`through the translator with pool6 ${v.prefix}, both directions`, () => {
      const t = makeTranslator({ pool6: v.prefix });
      const src4 = '198.51.100.2';
      const src6 = embed(v.prefix, src4);
      const out = only(run(t, ipv4({ src: src4, dst: v.ipv4 }, udp())));
      expect([readIpv6(out.bytes).src, readIpv6(out.bytes).dst]).toEqual([src6, v.ipv6]);
      expect(packetProblems(out.bytes)).toEqual([]);
      const back = only(run(t, ipv6({ src: v.ipv6, dst: src6 }, udp())));
      expect([readIpv4(back.bytes).src, readIpv4(back.bytes).dst]).toEqual([v.ipv4, src4]);
      expect(packetProblems(back.bytes)).toEqual([]);
    });
  }
});

describe('RFC 7050 §2.2: ipv4only.arpa (192.0.0.170, 192.0.0.171) under each prefix', () => {
  for (const v of vectors.rfc7050_ipv4only_arpa) {
    it(`${v.prefix}: ${v.aaaa.join(', ')}`, () => {
      expect([embed(v.prefix, '192.0.0.170'), embed(v.prefix, '192.0.0.171')]).toEqual(v.aaaa);
      expect(v.aaaa.map((a) => extract(v.prefix, a))).toEqual(['192.0.0.170', '192.0.0.171']);
    });
  }
});

describe('Jool graybox network: pool6 2001:db8:100::/40', () => {
  for (const v of vectors.jool_graybox_pool6_40) {
    it(`${v.ipv4} ↔ ${v.ipv6}`, () => {
      expect(embed('2001:db8:100::/40', v.ipv4)).toBe(v.ipv6);
      expect(extract('2001:db8:100::/40', v.ipv6)).toBe(v.ipv4);
    });
  }
});

describe('RFC 7757 §3: the example Explicit Address Mapping Table', () => {
  const parsed = parseSiitConfig({ eamt: vectors.rfc7757_eamt, selfIpv4: net.selfIpv4, selfIpv6: net.selfIpv6 });
  if (!parsed.ok) throw new Error(parsed.error);
  const eamt = new Eamt(parsed.config.eamt);

  for (const v of vectors.rfc7757_sec3_examples) {
    it(`${v.ipv4} ↔ ${v.ipv6}`, () => {
      const out = new Uint8Array(16);
      expect(eamt.map4to6(addr4(v.ipv4), out, 0)).toBe(true);
      expect(formatIpv6(out)).toBe(v.ipv6);
      expect(formatIpv4(eamt.map6to4(addr6(v.ipv6), 0))).toBe(v.ipv4);
    });
  }

  it('addresses outside every entry have no mapping', () => {
    expect(eamt.map4to6(addr4('192.0.2.3'), new Uint8Array(16), 0)).toBe(false);
    expect(eamt.map6to4(addr6('2001:db8:aaaa::1'), 0)).toBe(-1);
    expect(eamt.map6to4(addr6('64:ff9b::2'), 0)).toBe(-1);
  });

  it('end to end: the translator maps the examples by the EAMT, other addresses by pool6', () => {
    const t = makeTranslator({ eamt: vectors.rfc7757_eamt });
    for (const v of vectors.rfc7757_sec3_examples) {
      const out = only(run(t, ipv4({ src: '203.0.113.5', dst: v.ipv4 }, udp())));
      expect([v.ipv4, readIpv6(out.bytes).src, readIpv6(out.bytes).dst]).toEqual([v.ipv4, '2001:db8:64::cb00:7105', v.ipv6]);
      const back = only(run(t, ipv6({ src: v.ipv6, dst: '2001:db8:64::cb00:7105' }, udp())));
      expect([v.ipv6, readIpv4(back.bytes).src, readIpv4(back.bytes).dst]).toEqual([v.ipv6, v.ipv4, '203.0.113.5']);
      expect(packetProblems(back.bytes)).toEqual([]);
    }
  });
});

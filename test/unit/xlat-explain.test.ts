// The steps of specific translations (core/xlat/explain.ts): the rule, the values and the bits a
// person debugging a CLAT reads first. The corpus-wide evidence is test/conformance/explain-evidence.test.ts.

import { describe, expect, it } from 'vitest';
import type { Explanation, TranslationStep } from '../../core/api/explanation.js';
import { parseSiitConfig, type SiitConfigJson } from '../../core/xlat/config.js';
import { explainTranslation } from '../../core/xlat/explain.js';
import { echoRest, icmp4, icmp6, ipv4, ipv6, tcp, udp } from './packet-builder.js';

/** A CLAT (RFC 6877): pool6 the NAT64 prefix, the host's 192.0.0.1 mapped to the CLAT's address. */
function clat(overrides: Partial<SiitConfigJson> = {}) {
  const parsed = parseSiitConfig({
    pool6: '2001:db8:64::/96', eamt: [{ ipv6: '2001:db8:1:2::c1a7/128', ipv4: '192.0.0.1/32' }],
    rfc6791v4: '192.0.0.8', selfIpv4: '192.0.0.2', selfIpv6: '2001:db8:1:2::1', ...overrides,
  });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}

function step(explanation: Explanation, predicate: (s: TranslationStep) => boolean): TranslationStep {
  const found = explanation.steps.find(predicate);
  if (found === undefined) throw new Error(`no such step among:\n${explanation.steps.map((s) => `${s.from?.name ?? '-'} → ${s.to?.name ?? '-'} ${s.rule}`).join('\n')}`);
  return found;
}

const toField = (header: string, name: string, depth = 0) => (s: TranslationStep) => s.to?.header === header && s.to.name === name && s.to.depth === depth;
const fromField = (header: string, name: string, depth = 0) => (s: TranslationStep) => s.from?.header === header && s.from.name === name && s.from.depth === depth;

const ping = ipv4({ src: '192.0.0.1', dst: '203.0.113.10', ttl: 64 }, icmp4({ type: 8, rest: echoRest(0x1234, 1), payload: new Uint8Array(16) }));

describe('explaining a ping from the host (IPv4 → IPv6)', () => {
  const { explanation } = explainTranslation(clat(), ping, { pairId: 7 });

  it('says the TTL became the Hop Limit, one less, by RFC 7915 §4.1', () => {
    const s = step(explanation, toField('ipv6', 'Hop Limit'));
    expect(s).toMatchObject({ action: 'decremented', cite: 'RFC 7915 §4.1' });
    expect(s.from).toMatchObject({ header: 'ipv4', name: 'Time to Live', value: '64', bitOffset: 64, bitLength: 8 });
    expect(s.to).toMatchObject({ value: '63', bitOffset: 56, bitLength: 8 });
    expect(s.rule).toBe('Time to Live 64 → Hop Limit 63: the translator is a router and decrements');
  });

  it('maps Protocol 1 to Next Header 58', () => {
    const s = step(explanation, toField('ipv6', 'Next Header'));
    expect(s).toMatchObject({ action: 'mapped', from: { name: 'Protocol', value: '1' }, to: { value: '58' } });
  });

  it('embeds 203.0.113.10 in bytes 12–15 under the /96', () => {
    const s = step(explanation, toField('ipv6', 'Destination Address'));
    expect(s.action).toBe('mapped');
    expect(s.cite).toBe('RFC 6052 §2.2');
    expect(s.from?.value).toBe('203.0.113.10');
    expect(s.to?.value).toBe('2001:db8:64::cb00:710a');
    expect(s.to?.embeddedIpv4Bytes).toEqual([12, 13, 14, 15]);
    expect(s.rule).toContain('/96 (bits 96–127)');
  });

  it('maps the host\'s 192.0.0.1 to the CLAT\'s own address by the EAMT', () => {
    const s = step(explanation, toField('ipv6', 'Source Address'));
    expect(s).toMatchObject({ action: 'mapped', from: { value: '192.0.0.1' }, to: { value: '2001:db8:1:2::c1a7' } });
    expect(s.cite).toContain('RFC 7757');
    expect(s.to?.embeddedIpv4Bytes).toBeUndefined();
  });

  it('maps Echo type 8 to 128 and updates the checksum incrementally with the pseudo-header', () => {
    expect(step(explanation, toField('icmpv6', 'Type'))).toMatchObject({ action: 'mapped', from: { value: '8' }, to: { value: '128' } });
    const checksum = step(explanation, toField('icmpv6', 'Checksum'));
    expect(checksum.action).toBe('updated');
    expect(checksum.cite).toContain('RFC 1624');
    expect(checksum.cite).toContain('RFC 4443');
  });

  it('drops the header checksum and IHL, synthesises Flow Label 0, and carries the identifier', () => {
    expect(step(explanation, fromField('ipv4', 'Header Checksum'))).toMatchObject({ action: 'dropped', to: null });
    expect(step(explanation, fromField('ipv4', 'IHL'))).toMatchObject({ action: 'dropped' });
    expect(step(explanation, toField('ipv6', 'Flow Label'))).toMatchObject({ action: 'synthesised', from: null, to: { value: '0x00000' } });
    expect(step(explanation, toField('icmpv6', 'Identifier'))).toMatchObject({ action: 'copied', to: { value: String(0x1234) } });
    expect(explanation).toMatchObject({ pairId: 7, direction: 46, verdict: 'translated', refusal: null, generated: null, mismatch: null });
  });
});

describe('explaining other translations', () => {
  it('names the embedded bytes 9–12 under a /64 (the u-octet skipped)', () => {
    const { explanation } = explainTranslation(clat({ pool6: '2001:db8:122:344::/64' }), ping);
    const s = step(explanation, toField('ipv6', 'Destination Address'));
    expect(s.to?.embeddedIpv4Bytes).toEqual([9, 10, 11, 12]);
    expect(s.to?.value).toBe('2001:db8:122:344:cb:71:a00:0');
    expect(s.rule).toContain('/64');
  });

  it('refuses a fragmented ICMP echo, naming the rule and the field', () => {
    const fragment = ipv4({ src: '192.0.0.1', dst: '203.0.113.10', mf: true }, icmp4({ type: 8, rest: echoRest(1, 1), payload: new Uint8Array(64) }));
    const { explanation } = explainTranslation(clat(), fragment);
    expect(explanation.verdict).toBe('fragmentedIcmp');
    expect(explanation.outputs).toEqual([]);
    expect(explanation.steps).toEqual([]);
    expect(explanation.refusal).toMatchObject({ action: 'checked', cite: 'RFC 7915 §1.2, §4.2', from: { header: 'ipv4', name: 'Flags', value: 'MF' } });
    expect(explanation.refusal?.rule).toMatch(/^Flags MF: a fragmented ICMP message cannot be translated/);
  });

  it('explains a Time Exceeded it sends back, and what it quotes', () => {
    const expiring = ipv4({ src: '192.0.0.1', dst: '203.0.113.10', ttl: 1 }, udp({ srcPort: 40000, dstPort: 33434, payload: new Uint8Array(8) }));
    const { explanation } = explainTranslation(clat(), expiring);
    expect(explanation.verdict).toBe('ttlExpired');
    expect(explanation.refusal?.from).toMatchObject({ name: 'Time to Live', value: '1' });
    expect(explanation.generated?.rule).toContain('type 11 code 0');
    expect(explanation.generated?.to).toMatchObject({ packet: 'output', header: 'icmp', name: 'Type', value: '11' });
    const quoted = step(explanation, toField('ipv4', 'Time to Live', 1));
    expect(quoted).toMatchObject({ action: 'copied', from: { depth: 0, value: '1' }, to: { depth: 1, value: '1' } });
    expect(step(explanation, toField('ipv4', 'Source Address'))).toMatchObject({ action: 'synthesised', to: { value: '192.0.0.2' } });
  });

  it('explains a traceroute hop\'s ICMPv6 error from a router with no IPv4 form, quoted packet and all', () => {
    const probe = ipv6({ src: '2001:db8:1:2::c1a7', dst: '2001:db8:64::cb00:710a', hopLimit: 1 }, udp({ srcPort: 40000, dstPort: 33434, payload: new Uint8Array(12) }));
    const error = ipv6({ src: '2001:db8:ff::1', dst: '2001:db8:1:2::c1a7', hopLimit: 64 }, icmp6({ type: 3, code: 0, payload: probe }));
    const { explanation } = explainTranslation(clat(), error);
    expect(explanation.verdict).toBe('translated');
    expect(step(explanation, toField('ipv4', 'Source Address'))).toMatchObject({ action: 'synthesised', to: { value: '192.0.0.8' } });
    expect(step(explanation, toField('icmp', 'Type'))).toMatchObject({ from: { value: '3' }, to: { value: '11' } });
    const innerDst = step(explanation, toField('ipv4', 'Destination Address', 1));
    expect(innerDst).toMatchObject({ action: 'mapped', from: { value: '2001:db8:64::cb00:710a', embeddedIpv4Bytes: [12, 13, 14, 15] }, to: { value: '203.0.113.10' } });
    expect(step(explanation, toField('ipv4', 'Time to Live', 1))).toMatchObject({ action: 'copied', from: { value: '1' }, to: { value: '1' } });
    expect(step(explanation, toField('udp', 'Checksum', 1)).action).toBe('updated');
  });

  it('explains each fragment of a DF=0 packet too big for the IPv6 minimum MTU', () => {
    const big = ipv4({ src: '192.0.0.1', dst: '203.0.113.10', id: 0xbeef }, udp({ payload: new Uint8Array(2000) }));
    const { explanation } = explainTranslation(clat(), big);
    expect(explanation.outputs.length).toBe(2);
    for (const index of [0, 1]) {
      const id = explanation.steps.find((s) => s.to?.outputIndex === index && s.to.header === 'fragment' && s.to.name === 'Identification');
      expect(id).toMatchObject({ action: 'mapped', from: { value: String(0xbeef) }, to: { value: '0x0000beef' } });
    }
    const offset = explanation.steps.find((s) => s.to?.outputIndex === 1 && s.to.name === 'Fragment Offset');
    expect(offset?.to?.value).toBe(String((1280 - 48) >> 3));
  });

  it('explains a zero UDP checksum computed by policy, and a TCP checksum updated', () => {
    const zero = ipv4({ src: '192.0.0.1', dst: '203.0.113.10' }, udp({ checksum: 0, payload: new Uint8Array(4) }));
    const computed = step(explainTranslation(clat({ udpZeroChecksum: 'compute' }), zero).explanation, toField('udp', 'Checksum'));
    expect(computed).toMatchObject({ action: 'updated', from: { value: '0x0000' } });
    expect(computed.rule).toContain('IPv6 requires a UDP checksum');
    const dropped = explainTranslation(clat({ udpZeroChecksum: 'drop' }), zero).explanation;
    expect(dropped.refusal?.from).toMatchObject({ header: 'udp', name: 'Checksum', value: '0x0000' });
    const segment = ipv4({ src: '192.0.0.1', dst: '203.0.113.10' }, tcp({ srcPort: 40000, dstPort: 443 }));
    expect(step(explainTranslation(clat(), segment).explanation, toField('tcp', 'Checksum')).cite).toContain('RFC 1624');
  });
});

// Explaining a pair as the engine holds it (core/observe/explain-pair.ts): the ring keeps only the
// first 128 bytes, and the prefix may have changed since the pair was recorded.

import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../core/api/base64.js';
import { explainRecordedPair, notRecorded } from '../../core/observe/explain-pair.js';
import { TraceRing } from '../../core/observe/trace-ring.js';
import { TranslatorConfigs } from '../../core/observe/translator-configs.js';
import { parseSiitConfig, type SiitConfig } from '../../core/xlat/config.js';
import { XlatOutput } from '../../core/xlat/output.js';
import { Translator } from '../../core/xlat/translator.js';
import { echoRest, icmp4, icmp6, ipv4, ipv6, tcp, udp } from './packet-builder.js';

function clat(pool6: string): SiitConfig {
  const parsed = parseSiitConfig({
    pool6, eamt: [{ ipv6: '2001:db8:1:2::c1a7/128', ipv4: '192.0.0.1/32' }], rfc6791v4: '192.0.0.8', selfIpv4: '192.0.0.2', selfIpv6: '2001:db8:1:2::1',
  });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}

/** Translates `packets` in order with one translator (its IPv4 counter runs on), recording each pair. */
function record(config: SiitConfig, packets: Uint8Array[], ring = new TraceRing({ capacity: 8 })): TraceRing {
  const translator = new Translator(config);
  const out = new XlatOutput();
  for (const packet of packets) ring.record(packet, 0, packet.length, translator.translate(packet, out), out, 0);
  return ring;
}

const old = clat('2001:db8:64::/96');
const renumbered = clat('2001:db8:99::/96');

describe('explaining a recorded pair', () => {
  it('re-runs a long TCP segment cut to the snap length and agrees with the recorded twin', () => {
    const segment = ipv4({ src: '192.0.0.1', dst: '203.0.113.10' }, tcp({ payload: new Uint8Array(1000).map((_, i) => i * 7) }));
    const ring = record(old, [segment]);
    const pair = ring.pair(1)!;
    expect(pair.input.bytes.length).toBe(128);
    const explanation = explainRecordedPair(pair, [old]);
    expect(explanation.mismatch).toBeNull();
    expect(explanation.verdict).toBe('translated');
    expect(explanation.input).toMatchObject({ family: 4, length: segment.length });
    expect(decodeBase64(explanation.input.bytes)?.length).toBe(128);
    const checksum = explanation.steps.find((s) => s.to?.header === 'tcp' && s.to.name === 'Checksum');
    expect(checksum?.action).toBe('updated');
    expect(checksum?.to?.value).not.toBe(notRecorded);
    // The payload past the snap length is never shown as if it had been recorded.
    for (const s of explanation.steps) {
      for (const place of [s.from, s.to]) {
        if (place !== null && place.bitOffset >= 128 * 8) expect(place.value === notRecorded || /^\d+ bytes$/.test(place.value)).toBe(true);
      }
    }
  });

  it('keeps an ICMPv6 error\'s checksum true past the snap length, so the rebuilt ICMP error matches', () => {
    const probe = ipv6({ src: '2001:db8:1:2::c1a7', dst: '2001:db8:64::cb00:710a', hopLimit: 1 }, udp({ payload: new Uint8Array(200).fill(0x5a) }));
    const error = ipv6({ src: '2001:db8:ff::1', dst: '2001:db8:1:2::c1a7' }, icmp6({ type: 3, payload: probe }));
    const pair = record(old, [error]).pair(1)!;
    expect(pair.input.bytes.length).toBeLessThan(pair.input.length);
    const explanation = explainRecordedPair(pair, [old]);
    expect(explanation.mismatch).toBeNull();
    expect(explanation.steps.some((s) => s.to?.depth === 1 && s.to.name === 'Destination Address' && s.to.value === '203.0.113.10')).toBe(true);
  });

  it('takes the IPv4 Identification from the recorded twin (the counter is the translator\'s state)', () => {
    const reply = (n: number) => ipv6({ src: '2001:db8:64::cb00:710a', dst: '2001:db8:1:2::c1a7' }, icmp6({ type: 129, rest: echoRest(1, n), payload: new Uint8Array(8) }));
    const ring = record(old, [reply(1), reply(2), reply(3)]);
    const explanation = explainRecordedPair(ring.pair(3)!, [old]);
    expect(explanation.mismatch).toBeNull();
    expect(explanation.steps.find((s) => s.to?.name === 'Identification')?.to?.value).toBe('3');
  });

  it('re-runs an offload\'s super-packet as one packet, and says what that means for its checksum', () => {
    const upload = ipv4({ src: '192.0.0.1', dst: '203.0.113.10', df: true }, tcp({ payload: new Uint8Array(20_000) }));
    // The engine translated it by its headers (vnet-translate.ts); a translator without MTU limits writes the same headers.
    const ring = record({ ...old, mtu: { ipv4: 65_535, ipv6: 65_535 } }, [upload]);
    const explanation = explainRecordedPair(ring.pair(1)!, [old]);
    expect(explanation.verdict).toBe('translated');
    expect(explanation.mismatch).toMatch(/^a coalesced super-packet of 20040 bytes \(TUN segmentation offload\).*the checksum shown is not the one on the wire$/);
    expect(explanation.steps.find((s) => s.to?.name === 'Payload Length')?.to?.value).toBe('20020');
  });

  it('uses the configuration of its time after a prefix change, and says so when none fits', () => {
    const ping = ipv4({ src: '192.0.0.1', dst: '203.0.113.10' }, icmp4({ type: 8, rest: echoRest(1, 1), payload: new Uint8Array(8) }));
    const ring = new TraceRing({ capacity: 8 });
    const configs = new TranslatorConfigs();
    configs.note(old, 0);
    record(old, [ping], ring); // recorded at time 0
    configs.note(renumbered, 10);
    expect(configs.candidatesAt(0)).toEqual([old]);
    expect(configs.candidatesAt(20)).toEqual([renumbered, old]);
    // A worker that took the new prefix late: the first candidate disagrees, the second matches.
    const late = explainRecordedPair(ring.pair(1)!, configs.candidatesAt(20));
    expect(late.mismatch).toBeNull();
    expect(late.steps.find((s) => s.to?.name === 'Destination Address')?.to?.value).toBe('2001:db8:64::cb00:710a');
    const wrong = explainRecordedPair(ring.pair(1)!, [renumbered]);
    expect(wrong.mismatch).toMatch(/differs from the recorded one at byte 29/);
    const unknown = explainRecordedPair(ring.pair(1)!, []);
    expect(unknown).toMatchObject({ verdict: 'translated', steps: [], mismatch: expect.stringContaining('no longer known') });
  });
});

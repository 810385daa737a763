// Names for flows from DNS responses (RFC 1035 §4.1): A records with and without compression,
// CNAME chains named by the question, the header checks, answers cut short, hostile pointers,
// random and mutated bytes (never a throw), the bounded store, and the names reaching flows
// through a real translation.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dnsAddressAnswers } from '../../core/observe/dns-answers.js';
import { DnsNames } from '../../core/observe/dns-names.js';
import { FlowObserver } from '../../core/observe/flow-observer.js';
import { FlowTable } from '../../core/observe/flow-table.js';
import { addr4, ipv4, ipv6, tcp, udp } from './packet-builder.js';
import { clat, Feeder } from './observe-flow-fixture.js';

/** A name in wire form, optionally ending in a compression pointer instead of the root label. */
function wireName(text: string, pointerTo?: number): number[] {
  const bytes: number[] = [];
  for (const label of text === '' ? [] : text.split('.')) bytes.push(label.length, ...[...label].map((c) => c.charCodeAt(0)));
  if (pointerTo === undefined) bytes.push(0);
  else bytes.push(0xc0 | (pointerTo >> 8), pointerTo & 0xff);
  return bytes;
}

const pointer = (offset: number) => [0xc0 | (offset >> 8), offset & 0xff];
const u16 = (v: number) => [v >> 8, v & 0xff];
const u32 = (v: number) => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const ip = (text: string) => u32(addr4(text));

interface Record {
  owner: number[];
  type: number;
  klass?: number;
  ttl?: number;
  rdata: number[];
}

function message(f: { flags?: number; question?: number[]; qtype?: number; answers?: Record[] }): Uint8Array {
  const question = f.question ?? wireName('example.com');
  const answers = f.answers ?? [];
  const bytes = [
    ...u16(0xbeef), ...u16(f.flags ?? 0x8180), ...u16(1), ...u16(answers.length), ...u16(0), ...u16(0),
    ...question, ...u16(f.qtype ?? 1), ...u16(1),
  ];
  for (const a of answers) bytes.push(...a.owner, ...u16(a.type), ...u16(a.klass ?? 1), ...u32(a.ttl ?? 300), ...u16(a.rdata.length), ...a.rdata);
  return Uint8Array.from(bytes);
}

const answersOf = (m: Uint8Array) => dnsAddressAnswers(m, 0, m.length).map((a) => [a.name, a.address, a.ttlSeconds]);

describe('DNS A records', () => {
  it('reads an A answer whose owner points at the question', () => {
    const m = message({ answers: [{ owner: pointer(12), type: 1, ttl: 300, rdata: ip('203.0.113.10') }] });
    expect(answersOf(m)).toEqual([['example.com', addr4('203.0.113.10'), 300]]);
  });

  it('names addresses at the end of a CNAME chain after the question', () => {
    const question = wireName('WWW.Example.COM');
    const qnameAt = 12;
    const comAt = qnameAt + 1 + 3 + 1 + 7; // "com" inside the question
    const cnameRdataAt = qnameAt + question.length + 4 + 2 + 10;
    const target = [3, ...[...'cdn'].map((c) => c.charCodeAt(0)), 7, ...[...'akamaie'].map((c) => c.charCodeAt(0)), ...pointer(comAt)];
    const m = message({
      question,
      answers: [
        { owner: pointer(qnameAt), type: 5, ttl: 60, rdata: target },
        { owner: pointer(cnameRdataAt), type: 1, ttl: 20, rdata: ip('192.0.2.7') },
        { owner: pointer(cnameRdataAt), type: 1, ttl: 20, rdata: ip('192.0.2.8') },
        { owner: wireName('unrelated.example'), type: 1, ttl: 5, rdata: ip('192.0.2.9') },
      ],
    });
    expect(answersOf(m)).toEqual([
      ['www.example.com', addr4('192.0.2.7'), 20],
      ['www.example.com', addr4('192.0.2.8'), 20],
      ['unrelated.example', addr4('192.0.2.9'), 5],
    ]);
  });

  it('skips other types and classes, odd A lengths, and reads a TTL with the top bit as 0', () => {
    const m = message({
      answers: [
        { owner: pointer(12), type: 28, rdata: new Array(16).fill(1) }, // AAAA
        { owner: pointer(12), type: 1, klass: 3, rdata: ip('192.0.2.1') }, // CHAOS
        { owner: pointer(12), type: 1, rdata: [1, 2, 3] },
        { owner: pointer(12), type: 1, ttl: 0x80000001, rdata: ip('192.0.2.2') },
      ],
    });
    expect(answersOf(m)).toEqual([['example.com', addr4('192.0.2.2'), 0]]);
  });

  it('writes odd label bytes in presentation form', () => {
    const question = [3, 0x61, 0x2e, 0x62, 2, 0x20, 0xff, 0]; // "a.b" then " \xff"
    const m = message({ question, answers: [{ owner: pointer(12), type: 1, rdata: ip('192.0.2.3') }] });
    expect(answersOf(m)).toEqual([['a\\.b.\\032\\255', addr4('192.0.2.3'), 300]]);
  });

  it('reads nothing from queries, errors and other opcodes', () => {
    const answers = [{ owner: pointer(12), type: 1, rdata: ip('192.0.2.4') }];
    expect(answersOf(message({ flags: 0x0100, answers }))).toEqual([]); // a query
    expect(answersOf(message({ flags: 0x8183, answers }))).toEqual([]); // NXDOMAIN
    expect(answersOf(message({ flags: 0x8980, answers }))).toEqual([]); // opcode 1
    expect(answersOf(message({ flags: 0x8380, answers }))).toHaveLength(1); // TC set: what is there counts
  });

  it('keeps the answers before a cut', () => {
    const m = message({
      answers: [
        { owner: pointer(12), type: 1, rdata: ip('192.0.2.5') },
        { owner: pointer(12), type: 1, rdata: ip('192.0.2.6') },
      ],
    });
    expect(answersOf(m.subarray(0, m.length - 2))).toEqual([['example.com', addr4('192.0.2.5'), 300]]);
    expect(answersOf(m.subarray(0, 11))).toEqual([]);
  });

  it('refuses pointers forward, to themselves, and label loops', () => {
    const a = (owner: number[]) => [{ owner, type: 1, rdata: ip('192.0.2.10') }];
    const answerAt = 12 + wireName('example.com').length + 4;
    expect(answersOf(message({ answers: a(pointer(answerAt)) }))).toEqual([]); // itself
    expect(answersOf(message({ answers: a(pointer(answerAt + 2)) }))).toEqual([]); // forward
    // A question "a" + pointer back to itself: each turn reads a label, until 255 bytes.
    expect(answersOf(message({ question: [1, 0x61, ...pointer(12)], answers: a(pointer(12)) }))).toEqual([]);
    // Extended label types 0x40 and 0x80.
    expect(answersOf(message({ question: [0x41, 0x61, 0], answers: a(pointer(12)) }))).toEqual([]);
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(20), (bytes, skip) => {
        const start = Math.min(skip, bytes.length);
        for (const answer of dnsAddressAnswers(bytes, start, bytes.length)) {
          expect(answer.address).toBeGreaterThanOrEqual(0);
          expect(answer.name.length).toBeLessThanOrEqual(255 * 4);
        }
        expect(dnsAddressAnswers(bytes, bytes.length, bytes.length + 10)).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on mutated responses', () => {
    const valid = message({
      question: wireName('www.example.com'),
      answers: [
        { owner: pointer(12), type: 5, rdata: wireName('cdn', 16) },
        { owner: pointer(12 + 17 + 4 + 12), type: 1, rdata: ip('192.0.2.11') },
        { owner: pointer(12), type: 1, rdata: ip('192.0.2.12') },
      ],
    });
    expect(answersOf(valid).length).toBe(2);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.nat(255)), { maxLength: 8 }), fc.nat(valid.length), (flips, cut) => {
        const bytes = valid.slice(0, Math.max(cut, 1));
        for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value;
        dnsAddressAnswers(bytes, 0, bytes.length);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('DNS names store', () => {
  const response = (name: string, address: string, ttl = 300) =>
    message({ question: wireName(name), answers: [{ owner: pointer(12), type: 1, ttl, rdata: ip(address) }] });
  const fromResolver = (payload: Uint8Array, srcPort = 53) =>
    ipv4({ src: '203.0.113.53', dst: clat.ipv4 }, udp({ srcPort, dstPort: 40000, payload }));

  it('learns from IPv4 UDP from port 53 only, first fragments only', () => {
    const names = new DnsNames();
    const packet = fromResolver(response('example.com', '203.0.113.10'));
    expect(names.learnFromIpv4(packet, 0, packet.length, 0)).toBe(1);
    expect(names.nameOf(addr4('203.0.113.10'), 1)).toBe('example.com');
    const other = fromResolver(response('other.example', '203.0.113.11'), 5353);
    expect(names.learnFromIpv4(other, 0, other.length, 0)).toBe(0);
    const later = packet.slice();
    later[6] = 0x00;
    later[7] = 0x10; // fragment offset 128 bytes
    expect(names.learnFromIpv4(later, 0, later.length, 0)).toBe(0);
    expect(names.learnFromIpv4(packet, 0, 27, 0)).toBe(0);
    expect(names.size).toBe(1);
  });

  it('keeps names at least minKeep, at most maxKeep, otherwise for their TTL', () => {
    const names = new DnsNames({ minKeepMs: 300_000, maxKeepMs: 86_400_000 });
    names.learn(1, 'short.example', 10, 0);
    names.learn(2, 'long.example', 7200, 0);
    names.learn(3, 'forever.example', 10 * 86_400, 0);
    expect(names.nameOf(1, 300_000)).toBe('short.example');
    expect(names.nameOf(1, 300_001)).toBeUndefined();
    expect(names.nameOf(2, 7_200_000)).toBe('long.example');
    expect(names.nameOf(2, 7_200_001)).toBeUndefined();
    expect(names.nameOf(3, 86_400_001)).toBeUndefined();
    expect(names.size).toBe(0); // expired entries go when asked
  });

  it('forgets the least recently learned address when full', () => {
    const names = new DnsNames({ capacity: 2 });
    names.learn(1, 'a', 60, 0);
    names.learn(2, 'b', 60, 0);
    names.learn(3, 'c', 60, 0);
    expect([1, 2, 3].map((a) => names.nameOf(a, 0))).toEqual([undefined, 'b', 'c']);
    names.learn(2, 'b2', 60, 0);
    names.learn(4, 'd', 60, 0);
    expect([2, 3, 4].map((a) => names.nameOf(a, 0))).toEqual(['b2', undefined, 'd']);
  });

  it('names a flow from a response that came back through the CLAT', () => {
    const names = new DnsNames();
    const flows = new FlowTable({ names });
    const observer = new FlowObserver(flows, names);
    const feeder = new Feeder(flows);
    const query = ipv4({ src: clat.ipv4, dst: clat.other4, ttl: 64 }, udp({ srcPort: 40000, dstPort: 53 }));
    const answer = ipv6(
      { src: clat.other6, dst: clat.ipv6, hopLimit: 64 },
      udp({ srcPort: 53, dstPort: 40000, payload: response('www.example.com', clat.remote4, 30) }),
    );
    expect(feeder.observe(observer, query, 1)).toBe(0);
    expect(feeder.observe(observer, answer, 2)).toBe(0);
    feeder.observe(observer, ipv4({ src: clat.ipv4, dst: clat.remote4, ttl: 64 }, tcp({ srcPort: 50000, dstPort: 443, flags: 0x02 })), 3);
    const byPort = new Map(flows.all().map((f) => [f.v4.remotePort, f]));
    expect(byPort.get(53)).toMatchObject({ remoteName: null, packets46: 1, packets64: 1 });
    expect(byPort.get(443)).toMatchObject({ remoteName: 'www.example.com', v4: { remote: clat.remote4 } });
  });
});

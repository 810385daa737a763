// Trace filters (protocol, host on either side, port, program), the per-subscriber sampler that
// bounds a live stream and counts what it skipped, and a subscription polling both over the ring.

import { describe, expect, it } from 'vitest';
import { parseTraceFilter, type TraceFilter, type TraceFilterSpec } from '../../core/observe/trace-filter.js';
import type { ProgramInfo } from '../../core/observe/trace-pair.js';
import { TraceRing } from '../../core/observe/trace-ring.js';
import { maxTracePairsPerSecond, TraceSampler } from '../../core/observe/trace-sampler.js';
import { TraceSubscription } from '../../core/observe/trace-subscription.js';
import { clat, clockOffsetMs, packets, Recorder } from './observe-trace-fixture.js';

const programs = new Map<number, ProgramInfo>([
  [1, { name: 'curl', pid: 812 }],
  [2, { name: 'dig', pid: 900 }],
]);
const programOf = (flowId: number) => programs.get(flowId);

function filter(spec: TraceFilterSpec): TraceFilter {
  const result = parseTraceFilter(spec, programOf);
  if (!result.ok) throw new Error(result.error);
  return result.filter;
}

/** One pair of each kind; returns the ids by name. */
function sample() {
  const recorder = new Recorder();
  const ids = {
    syn: recorder.record(packets.syn(), 0, 1),
    synAck: recorder.record(packets.synAck(), 1, 1),
    dns: recorder.record(packets.dns(), 2, 2),
    echo: recorder.record(packets.echo(), 3),
    echoReply: recorder.record(packets.echoReply(), 4),
    ttl1: recorder.record(packets.ttl1(), 5, 1),
    unmapped: recorder.record(packets.unmapped(), 6),
    sctp: recorder.record(packets.sctp(), 7),
    bigUdp: recorder.record(packets.bigUdp(), 8, 2),
  };
  return { ring: recorder.ring, ids };
}

/** Names of the sample pairs a filter lets through, checked both in place and on read pairs. */
function matching(spec: TraceFilterSpec): string[] {
  const { ring, ids } = sample();
  const f = filter(spec);
  const inPlace = Object.entries(ids).filter(([, id]) => f.matchesSlot(ring, ring.slotOf(id))).map(([name]) => name);
  const read = Object.entries(ids).filter(([, id]) => f.matchesPair(ring.pair(id)!)).map(([name]) => name);
  expect(read).toEqual(inPlace);
  return inPlace;
}

describe('trace filter', () => {
  it('matches everything when empty', () => {
    expect(matching({})).toHaveLength(9);
  });

  it('by protocol: tcp, udp, icmp (both versions), other', () => {
    expect(matching({ protocol: 'tcp' })).toEqual(['syn', 'synAck', 'ttl1']);
    expect(matching({ protocol: 'udp' })).toEqual(['dns', 'unmapped', 'bigUdp']);
    // ttl1: the translator's ICMP error is a packet of the pair.
    expect(matching({ protocol: 'icmp' })).toEqual(['echo', 'echoReply', 'ttl1']);
    expect(matching({ protocol: 'other' })).toEqual(['sctp']);
  });

  it('by host, on the IPv4 side or the IPv6 side', () => {
    const all = ['syn', 'synAck', 'dns', 'echo', 'echoReply', 'ttl1', 'sctp', 'bigUdp'];
    expect(matching({ host: clat.server4 })).toEqual(all);
    expect(matching({ host: clat.server6 })).toEqual(all.filter((name) => name !== 'ttl1')); // its pair stays IPv4
    expect(matching({ host: '2001:db8:99::1' })).toEqual(['unmapped']);
    expect(matching({ host: clat.self4 })).toEqual(['ttl1']);
    expect(matching({ host: '198.51.100.7' })).toEqual([]);
  });

  it('by port, source or destination, TCP or UDP', () => {
    expect(matching({ port: 80 })).toEqual(['syn', 'synAck', 'ttl1']);
    expect(matching({ port: 51514 })).toEqual(['syn', 'synAck']);
    expect(matching({ port: 53 })).toEqual(['dns', 'unmapped']);
    expect(matching({ port: 9000 })).toEqual(['bigUdp']); // the first fragment carries the ports
    expect(matching({ port: 7 })).toEqual([]); // not TCP or UDP
  });

  it('by program, through the flow lookup', () => {
    expect(matching({ program: 'curl' })).toEqual(['syn', 'synAck', 'ttl1']);
    expect(matching({ program: 'dig' })).toEqual(['dns', 'bigUdp']);
    expect(matching({ program: 'firefox' })).toEqual([]);
  });

  it('wants every criterion of one packet', () => {
    expect(matching({ protocol: 'tcp', port: 80, program: 'curl' })).toEqual(['syn', 'synAck', 'ttl1']);
    expect(matching({ protocol: 'udp', host: clat.server6 })).toEqual(['dns', 'bigUdp']);
    expect(matching({ protocol: 'icmp', host: clat.server4 })).toEqual(['echo', 'echoReply']);
    expect(matching({ protocol: 'udp', program: 'curl' })).toEqual([]);
  });

  it('returns errors as values, naming the field', () => {
    const error = (spec: TraceFilterSpec, lookup = programOf) => {
      const result = parseTraceFilter(spec, lookup);
      return result.ok ? 'ok' : result.error;
    };
    expect(error({ protocol: 'sctp' as never })).toMatch(/^protocol: /);
    expect(error({ host: 'example.com' })).toMatch(/^host: /);
    expect(error({ host: '203.0.113.256' })).toMatch(/^host: /);
    expect(error({ port: 65_536 })).toMatch(/^port: /);
    expect(error({ port: 1.5 })).toMatch(/^port: /);
    expect(error({ program: '' })).toMatch(/^program: /);
    expect(parseTraceFilter({ program: 'curl' }).ok).toBe(false); // no lookup to ask
    expect(error({ protocol: 'udp', host: '::1', port: 0, program: 'x' })).toBe('ok');
  });
});

describe('trace sampler', () => {
  it('delivers at most its budget of 10,000 pairs offered within one second and counts the rest', () => {
    const sampler = new TraceSampler(200);
    let delivered = 0;
    for (let i = 0; i < 10_000; i++) if (sampler.admit(5000 + i * 0.0999)) delivered++;
    expect(delivered).toBe(200);
    expect(sampler.takeSkipped()).toBe(9800);
    expect(sampler.takeSkipped()).toBe(0);
    expect(sampler.skippedTotal).toBe(9800);
  });

  it('spreads a burst over the second instead of spending it at the start', () => {
    const sampler = new TraceSampler(200);
    const times: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const atMs = i * 0.1;
      if (sampler.admit(atMs)) times.push(atMs);
    }
    // 20 in each tenth of a second.
    for (let tenth = 0; tenth < 10; tenth++) expect(times.filter((t) => t >= tenth * 100 && t < tenth * 100 + 100)).toHaveLength(20);
  });

  it('never lets more than its budget through in any one-second window', () => {
    const sampler = new TraceSampler(37);
    const times: number[] = [];
    let t = 0;
    for (let i = 0; i < 50_000; i++) {
      t += (i * 7919) % 13 === 0 ? 40 : 0.05; // bursts and gaps
      if (sampler.admit(t)) times.push(t);
    }
    let worst = 0;
    for (let a = 0, b = 0; b < times.length; b++) {
      while (times[b] - times[a] >= 1000) a++;
      worst = Math.max(worst, b - a + 1);
    }
    expect(worst).toBeLessThanOrEqual(37);
    expect(times.length + sampler.takeSkipped()).toBe(50_000);
  });

  it('lets a quiet stream through whole, its first pair included', () => {
    const sampler = new TraceSampler(5);
    for (let second = 0; second < 20; second++) expect(sampler.admit(second * 1000)).toBe(true);
    expect(sampler.takeSkipped()).toBe(0);
  });

  it('takes budgets from 0 to its maximum only', () => {
    const none = new TraceSampler(0);
    expect(none.admit(0)).toBe(false);
    expect(none.takeSkipped()).toBe(1);
    expect(() => new TraceSampler(-1)).toThrow(RangeError);
    expect(() => new TraceSampler(1.5)).toThrow(RangeError);
    expect(() => new TraceSampler(maxTracePairsPerSecond + 1)).toThrow(RangeError);
  });
});

describe('trace subscription', () => {
  it('polls the pairs since the last poll, filtered, then sampled', () => {
    const recorder = new Recorder(new TraceRing({ capacity: 16_384, clockOffsetMs }));
    recorder.record(packets.dns(), 0); // before the subscription: not delivered
    const subscription = new TraceSubscription(recorder.ring, { filter: filter({ protocol: 'tcp' }), perSecond: 200 });
    expect(subscription.poll(0)).toEqual({ pairs: [], skipped: 0, lost: 0, lastId: 1 });
    // 10,000 TCP pairs and 2,000 DNS pairs within one second, polled at 60 Hz.
    let delivered = 0;
    let skipped = 0;
    let nowMs = 1;
    for (let tick = 0; tick < 60; tick++) {
      for (let k = 0; k < 200; k++) {
        recorder.record((tick * 200 + k) % 6 === 5 ? packets.dns() : packets.syn(), nowMs, 1);
        nowMs += 1000 / 12_000;
      }
      const batch = subscription.poll(nowMs);
      expect(batch.lost).toBe(0);
      for (const pair of batch.pairs) expect(pair.input.bytes[9]).toBe(6);
      delivered += batch.pairs.length;
      skipped += batch.skipped;
    }
    expect(nowMs).toBeLessThan(1001.01);
    expect(delivered).toBe(200);
    expect(delivered + skipped).toBe(10_000);
  });

  it('reports the pairs overwritten before a poll as lost', () => {
    const recorder = new Recorder(new TraceRing({ capacity: 8, clockOffsetMs }));
    const subscription = new TraceSubscription(recorder.ring, { afterId: 0 });
    for (let i = 0; i < 20; i++) recorder.record(packets.echo(), i * 100);
    const batch = subscription.poll(2000);
    expect(batch.lost).toBe(12);
    expect(batch.pairs.map((p) => p.id)).toEqual([13, 14, 15, 16, 17, 18, 19, 20]);
    expect(batch.lastId).toBe(20);
    expect(subscription.poll(2000)).toEqual({ pairs: [], skipped: 0, lost: 0, lastId: 20 });
  });

  it('holds a pair back while its flow\'s program is looked for, then judges it (in order)', () => {
    const names = new Map<number, ProgramInfo>();
    const awaited = new Set([7, 8]);
    const parsed = parseTraceFilter({ program: 'curl' }, (id) => names.get(id));
    if (!parsed.ok) throw new Error(parsed.error);
    const recorder = new Recorder(new TraceRing({ capacity: 64, clockOffsetMs }));
    const subscription = new TraceSubscription(recorder.ring, { filter: parsed.filter, programAwaited: (id) => awaited.has(id), holdMs: 500 });
    const syn = recorder.record(packets.syn(), 100, 7); // curl's, not yet named
    const dns = recorder.record(packets.dns(), 101, 8); // another flow, also waiting
    expect(subscription.poll(150)).toEqual({ pairs: [], skipped: 0, lost: 0, lastId: syn - 1 });
    // Attribution answers flow 7 (curl); flow 8 still waits, and so does everything after it.
    names.set(7, { name: 'curl', pid: 812 });
    awaited.delete(7);
    const synAck = recorder.record(packets.synAck(), 102, 7);
    expect(subscription.poll(160)).toMatchObject({ pairs: [{ id: syn }], lastId: syn });
    // Flow 8 is never answered: after holdMs its pair is judged nameless and the stream moves on.
    expect(subscription.poll(600).pairs).toEqual([]);
    expect(subscription.poll(601.5)).toMatchObject({ pairs: [{ id: synAck }], lastId: synAck });
    expect(dns).toBe(syn + 1);
  });

  it('holds pairs back without a filter too, so that they are shown with their program', () => {
    const recorder = new Recorder(new TraceRing({ capacity: 64, clockOffsetMs }));
    let awaited = true;
    const subscription = new TraceSubscription(recorder.ring, { programAwaited: (id) => id === 7 && awaited });
    const unowned = recorder.record(packets.echo(), 0); // no flow: never waited for
    const syn = recorder.record(packets.syn(), 0, 7);
    expect(subscription.poll(1).pairs.map((p) => p.id)).toEqual([unowned]);
    awaited = false;
    expect(subscription.poll(2).pairs.map((p) => p.id)).toEqual([syn]);
  });
});

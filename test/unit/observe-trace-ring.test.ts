// The trace ring: each translated packet kept with its twin, both ways; generated ICMP errors and
// silent drops; fragmentation (first output and the count); the snap length; wrapping (the newest
// stay, ids are never reused); reading since an id and within a time window.

import { describe, expect, it } from 'vitest';
import { TraceFlag, TraceRing } from '../../core/observe/trace-ring.js';
import { XlatOutput } from '../../core/xlat/output.js';
import { Verdict } from '../../core/xlat/verdict.js';
import { readIpv4, readIpv6 } from './packet-check.js';
import { clat, clockOffsetMs, packets, Recorder } from './observe-trace-fixture.js';

describe('trace ring: pairs', () => {
  it('keeps an IPv4 packet and its IPv6 twin (direction 46)', () => {
    const recorder = new Recorder();
    const syn = packets.syn();
    const id = recorder.record(syn, 12.5, 7);
    expect(id).toBe(1);
    const pair = recorder.ring.pair(id)!;
    expect(pair).toMatchObject({ id: 1, direction: 46, verdict: 'translated', generated: false, flowId: 7, outputCount: 1 });
    expect(pair.atMs).toBe(clockOffsetMs + 12.5);
    expect(pair.input).toEqual({ family: 4, length: syn.length, bytes: syn });
    expect(pair.output!.family).toBe(6);
    expect(pair.output!.length).toBe(syn.length + 20);
    expect(pair.output!.bytes).toEqual(recorder.out.packet(0));
    expect(readIpv6(pair.output!.bytes)).toMatchObject({ src: clat.ipv6, dst: clat.server6 });
  });

  it('keeps an IPv6 packet and its IPv4 twin (direction 64)', () => {
    const recorder = new Recorder();
    const reply = packets.synAck();
    const pair = recorder.ring.pair(recorder.record(reply))!;
    expect(pair).toMatchObject({ direction: 64, verdict: 'translated', generated: false, flowId: -1 });
    expect(pair.input).toEqual({ family: 6, length: reply.length, bytes: reply });
    expect(pair.output!.family).toBe(4);
    expect(readIpv4(pair.output!.bytes)).toMatchObject({ src: clat.server4, dst: clat.ipv4 });
  });

  it('pairs a dropped packet with the ICMP error the translator sent back, flagged', () => {
    const recorder = new Recorder();
    const id = recorder.record(packets.ttl1());
    const pair = recorder.ring.pair(id)!;
    expect(pair).toMatchObject({ direction: 46, verdict: 'ttlExpired', generated: true, outputCount: 1 });
    expect(pair.output!.family).toBe(4); // back to the IPv4 side
    expect(readIpv4(pair.output!.bytes)).toMatchObject({ proto: 1, src: clat.self4, dst: clat.ipv4 });
    expect(pair.output!.bytes[20]).toBe(11); // Time Exceeded
    const slot = recorder.ring.slotOf(id);
    expect(recorder.ring.flags[slot]).toBe(TraceFlag.generated);
    expect(recorder.ring.verdict[slot]).toBe(Verdict.ttlExpired);
  });

  it('keeps a packet dropped without a reply alone', () => {
    const recorder = new Recorder();
    const pair = recorder.ring.pair(recorder.record(packets.unmapped()))!;
    expect(pair.verdict).toBe('untranslatableSource');
    expect(pair).toMatchObject({ direction: 64, generated: false, outputCount: 0, output: null });
    expect(recorder.ring.flags[recorder.ring.slotOf(pair.id)]).toBe(TraceFlag.dropped);
  });

  it('keeps the first fragment of a fragmented translation and the count', () => {
    const recorder = new Recorder(new TraceRing({ snapBytes: 2048, clockOffsetMs }));
    const pair = recorder.ring.pair(recorder.record(packets.bigUdp()))!;
    expect(pair.outputCount).toBe(3);
    expect(pair.output!.length).toBe(recorder.out.length[0]);
    expect(pair.output!.bytes).toEqual(recorder.out.packet(0));
    expect(readIpv6(pair.output!.bytes).fragment).toMatchObject({ offsetBytes: 0, more: true });
  });

  it('records junk without throwing', () => {
    const ring = new TraceRing({ capacity: 4 });
    const out = new XlatOutput();
    out.count = 0;
    expect(ring.record(new Uint8Array(0), 0, 0, Verdict.truncated, out, 1)).toBe(1);
    expect(ring.record(Uint8Array.of(0x45), 0, 1, Verdict.truncated, out, 2)).toBe(2);
    expect(ring.pair(1)!.input).toEqual({ family: 6, length: 0, bytes: new Uint8Array(0) });
    expect(ring.pair(2)!).toMatchObject({ direction: 46, verdict: 'truncated', output: null });
  });
});

describe('trace ring: snap length', () => {
  it('keeps the first snapBytes of each packet and its length on the wire', () => {
    const recorder = new Recorder(new TraceRing({ snapBytes: 128, clockOffsetMs }));
    const big = packets.bigUdp();
    const pair = recorder.ring.pair(recorder.record(big))!;
    expect(pair.input.length).toBe(big.length);
    expect(pair.input.bytes).toEqual(big.subarray(0, 128));
    expect(pair.output!.length).toBe(1232 + 48);
    expect(pair.output!.bytes).toEqual(recorder.out.packet(0).subarray(0, 128));
    const small = packets.syn();
    const whole = recorder.ring.pair(recorder.record(small))!;
    expect(whole.input.bytes).toEqual(small);
  });

  it('refuses a snap length under 128 and a capacity under 1', () => {
    expect(() => new TraceRing({ snapBytes: 64 })).toThrow(RangeError);
    expect(() => new TraceRing({ capacity: 0 })).toThrow(RangeError);
    expect(() => new TraceRing({ capacity: 2.5 })).toThrow(RangeError);
    expect(new TraceRing().capacity).toBe(4096);
    expect(new TraceRing().snapBytes).toBe(128);
  });

  it('keeps pairs whose slots neighbour each other apart', () => {
    const recorder = new Recorder(new TraceRing({ capacity: 3, clockOffsetMs }));
    const list = [packets.syn(), packets.synAck(), packets.echo()];
    const ids = list.map((packet) => recorder.record(packet));
    ids.forEach((id, i) => expect(recorder.ring.pair(id)!.input.bytes).toEqual(list[i]));
  });
});

describe('trace ring: wrapping and reading', () => {
  function filled(count: number, capacity: number): Recorder {
    const recorder = new Recorder(new TraceRing({ capacity, clockOffsetMs }));
    for (let i = 0; i < count; i++) recorder.record(i % 2 === 0 ? packets.syn() : packets.synAck(), i * 10, i);
    return recorder;
  }

  it('wraps and keeps the newest; ids keep counting', () => {
    const { ring } = filled(20, 8);
    expect(ring.size).toBe(8);
    expect(ring.oldestId).toBe(13);
    expect(ring.newestId).toBe(20);
    expect(ring.pair(12)).toBeUndefined();
    expect(ring.pair(21)).toBeUndefined();
    const all = ring.readSince(0);
    expect(all.pairs.map((p) => p.id)).toEqual([13, 14, 15, 16, 17, 18, 19, 20]);
    expect(all.pairs.map((p) => p.flowId)).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
    expect(all.pairs.map((p) => p.direction)).toEqual([46, 64, 46, 64, 46, 64, 46, 64]);
    expect(all.lost).toBe(12);
    expect(all.lastId).toBe(20);
  });

  it('reads since an id, in pages, and reports what was overwritten unread', () => {
    const recorder = filled(5, 8);
    const { ring } = recorder;
    expect(ring.readSince(3)).toMatchObject({ lastId: 5, lost: 0 });
    expect(ring.readSince(3).pairs.map((p) => p.id)).toEqual([4, 5]);
    const page = ring.readSince(0, 2);
    expect(page.pairs.map((p) => p.id)).toEqual([1, 2]);
    expect(ring.readSince(page.lastId, 2).pairs.map((p) => p.id)).toEqual([3, 4]);
    expect(ring.readSince(5)).toEqual({ pairs: [], lastId: 5, lost: 0 });
    for (let i = 0; i < 10; i++) recorder.record(packets.syn(), 100 + i);
    const after = ring.readSince(5);
    expect(after.lost).toBe(2); // 6 and 7 were overwritten
    expect(after.pairs.map((p) => p.id)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    expect(new TraceRing().readSince(0)).toEqual({ pairs: [], lastId: 0, lost: 0 });
  });

  it('selects a time window (epoch milliseconds, inclusive)', () => {
    const { ring } = filled(20, 8); // pairs 13..20 at 120..190 ms
    expect(ring.window(clockOffsetMs + 150, clockOffsetMs + 170).map((p) => p.id)).toEqual([16, 17, 18]);
    expect(ring.window(clockOffsetMs + 185).map((p) => p.id)).toEqual([20]);
    expect(ring.window(0).map((p) => p.id)).toEqual([13, 14, 15, 16, 17, 18, 19, 20]);
    expect(ring.window(clockOffsetMs + 1000)).toEqual([]);
    expect(ring.toEpochMs(150)).toBe(clockOffsetMs + 150);
  });

  it('keeps microseconds in epoch times', () => {
    const recorder = new Recorder(new TraceRing({ clockOffsetMs: 1_700_000_000_123.25 }));
    const pair = recorder.ring.pair(recorder.record(packets.syn(), 86_400_000.001))!; // a day in, +1 µs
    expect(Math.abs(pair.atMs - (1_700_086_400_123.25 + 0.001))).toBeLessThan(0.0005);
  });

  it('defaults its clock offset to the wall clock minus performance.now()', () => {
    const ring = new TraceRing();
    expect(Math.abs(ring.toEpochMs(performance.now()) - Date.now())).toBeLessThan(50);
  });
});

describe('trace ring: allocation', () => {
  it('records without allocating per packet', async () => {
    const recorder = new Recorder(new TraceRing({ capacity: 1024 }));
    const { translator, out, ring } = recorder;
    const packet = packets.syn();
    const verdict = translator.translate(packet, out);
    for (let i = 0; i < 20_000; i++) ring.record(packet, 0, packet.length, verdict, out, i, i); // warm up (JIT)
    let collections = 0;
    const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
    observer.observe({ entryTypes: ['gc'] });
    await new Promise((resolve) => setTimeout(resolve, 10));
    collections = 0;
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200_000; i++) ring.record(packet, 0, packet.length, verdict, out, i, i);
    const grown = process.memoryUsage().heapUsed - before;
    await new Promise((resolve) => setTimeout(resolve, 10));
    observer.disconnect();
    // 200,000 pairs at even 16 bytes each would be 3.2 MB, or a collection that hides it.
    expect(collections).toBe(0);
    expect(grown).toBeLessThan(500_000);
  });
});

// The observation ring between a translating worker and the main thread
// (core/observe/observation-ring.ts): what the writer observes comes out of the reader with its
// verdict, lengths, first output and time on the reader's clock; the snaps (an IPv4 DNS response
// kept whole, the heads of everything else); nothing before publish(); a full ring loses
// observations, counted, instead of waiting; order across wrap-around; bounded drains; the
// reader's wait for the writer.

import { describe, expect, it } from 'vitest';
import { createObservationBuffer, dnsSnapBytes, inputSnapBytes, ObservationReader, ObservationWriter, outputSnapBytes } from '../../core/observe/observation-ring.js';
import type { PacketObserver } from '../../core/observe/packet-observer.js';
import { XlatOutput } from '../../core/xlat/output.js';
import { verdictName } from '../../core/xlat/verdict.js';
import { clat, clatTranslator, clockOffsetMs, packets } from './observe-trace-fixture.js';
import { ipv4, ipv6, udp } from './packet-builder.js';

/** One observation as an observer saw it: copies of the input and of the first output, at their full lengths. */
interface Observation {
  readonly verdict: number;
  readonly input: Uint8Array;
  readonly outputCount: number;
  readonly firstOutput: { readonly family: number; readonly generated: number; readonly bytes: Uint8Array } | null;
  readonly atMs: number;
}

/** An observer that keeps copies of everything it is shown. */
class Collector implements PacketObserver {
  readonly seen: Observation[] = [];

  observe(input: Uint8Array, start: number, length: number, verdict: number, out: XlatOutput, nowMs: number): void {
    this.seen.push({
      verdict,
      input: input.slice(start, start + length),
      outputCount: out.count,
      firstOutput: out.count > 0 ? { family: out.family[0], generated: out.generated[0], bytes: out.packet(0).slice() } : null,
      atMs: nowMs,
    });
  }
}

/** Translates packets as a worker's packet loop does (input at an offset in an arena) and shows them to observers. */
class PacketPath {
  private readonly translator = clatTranslator();
  private readonly out = new XlatOutput();
  private readonly arena = new Uint8Array(70_000);

  handle(packet: Uint8Array, nowMs: number, ...observers: PacketObserver[]): void {
    const start = 100;
    this.arena.set(packet, start);
    const verdict = this.translator.translateAt(this.arena, start, packet.length, this.out);
    for (const observer of observers) observer.observe(this.arena, start, packet.length, verdict, this.out, nowMs);
  }
}

function ring(capacity: number, offsetMs = 0) {
  const buffer = createObservationBuffer(capacity);
  return { buffer, writer: new ObservationWriter(buffer, offsetMs), reader: new ObservationReader(buffer) };
}

/** What the ring promises to carry of an observation: the lengths, the heads up to the snaps, the rest of the fields. */
function heads(o: Observation, outputSnap = outputSnapBytes) {
  return {
    verdict: o.verdict,
    inputLength: o.input.length,
    inputHead: o.input.subarray(0, inputSnapBytes),
    outputCount: o.outputCount,
    firstOutput: o.firstOutput && {
      family: o.firstOutput.family,
      generated: o.firstOutput.generated,
      length: o.firstOutput.bytes.length,
      head: o.firstOutput.bytes.subarray(0, outputSnap),
    },
  };
}

/** How many leading bytes two packets share. */
function sharedHeadBytes(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** A UDP datagram from the network to the host, from `srcPort`, with `payloadBytes` of `fill`. */
function udpFromNetwork(srcPort: number, payloadBytes: number, fill: number): Uint8Array {
  return ipv6({ src: clat.server6, dst: clat.ipv6, hopLimit: 60 }, udp({ srcPort, dstPort: 40000, payload: new Uint8Array(payloadBytes).fill(fill) }));
}

/** Resolves true if `promise` settles within `ms`, false otherwise. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

describe('observation ring: what crosses', () => {
  it('hands the reader what the writer observed: verdict, lengths, heads, outputs, and times on the reader clock', () => {
    const path = new PacketPath();
    const { writer, reader } = ring(16, clockOffsetMs);
    const direct = new Collector();
    const sample = [packets.syn(), packets.synAck(), packets.ttl1(), packets.unmapped(), packets.bigUdp()];
    const times = [10, 10.25, 11.5, 12, 40.75];
    sample.forEach((packet, i) => path.handle(packet, times[i], writer, direct));
    writer.publish();
    const drained = new Collector();
    expect(reader.drain(drained, 100)).toBe(sample.length);

    expect(drained.seen.map((o) => heads(o))).toEqual(direct.seen.map((o) => heads(o)));
    expect(drained.seen.map((o) => o.atMs)).toEqual(times.map((t) => t + clockOffsetMs));
    // The sample covers translations both ways, a generated ICMP error, a silent drop and fragments.
    expect(drained.seen.map((o) => [verdictName(o.verdict), o.outputCount, o.firstOutput?.family, o.firstOutput?.generated])).toEqual([
      ['translated', 1, 6, 0],
      ['translated', 1, 4, 0],
      ['ttlExpired', 1, 4, 1],
      ['untranslatableSource', 0, undefined, undefined],
      ['translated', 3, 6, 0],
    ]);
    expect(drained.seen[4].input.length).toBeGreaterThan(inputSnapBytes);
  });

  it('shows nothing to the reader before publish()', () => {
    const path = new PacketPath();
    const { writer, reader } = ring(8);
    path.handle(packets.syn(), 1, writer);
    path.handle(packets.synAck(), 2, writer);
    const drained = new Collector();
    expect(reader.empty).toBe(true);
    expect(reader.drain(drained, 100)).toBe(0);
    writer.publish();
    expect(reader.empty).toBe(false);
    expect(reader.drain(drained, 100)).toBe(2);
    expect(reader.empty).toBe(true);
  });

  it('keeps an IPv4 DNS response (UDP from port 53) whole', () => {
    const path = new PacketPath();
    const { writer, reader } = ring(8);
    const direct = new Collector();
    path.handle(udpFromNetwork(53, 1000, 0xab), 1, writer, direct);
    writer.publish();
    const drained = new Collector();
    reader.drain(drained, 100);
    const sent = direct.seen[0].firstOutput!.bytes;
    expect(sent[0] >> 4).toBe(4);
    expect(sent.length).toBeGreaterThan(outputSnapBytes);
    expect(drained.seen[0].firstOutput!.bytes).toEqual(sent);
  });

  it('cuts an IPv4 DNS response longer than dnsSnapBytes at dnsSnapBytes', () => {
    // Longer than the 1500-byte IPv4 MTU of the test translator: the output is written by hand.
    const answer = ipv4({ src: clat.server4, dst: clat.ipv4, ttl: 60 }, udp({ srcPort: 53, dstPort: 40000, payload: new Uint8Array(dnsSnapBytes + 500).fill(0xcd) }));
    const out = new XlatOutput();
    out.buffer.set(answer, 0);
    out.count = 1;
    out.start[0] = 0;
    out.length[0] = answer.length;
    out.family[0] = 4;
    const { writer, reader } = ring(8);
    const input = packets.synAck();
    writer.observe(input, 0, input.length, 0, out, 1);
    writer.publish();
    const drained = new Collector();
    reader.drain(drained, 100);
    const seen = drained.seen[0].firstOutput!.bytes;
    expect(seen.length).toBe(answer.length);
    expect(sharedHeadBytes(seen, answer)).toBe(dnsSnapBytes);
  });

  it('cuts other outputs at outputSnapBytes and inputs at inputSnapBytes', () => {
    const path = new PacketPath();
    const { writer, reader } = ring(8);
    const direct = new Collector();
    path.handle(udpFromNetwork(443, 1000, 0xab), 1, writer, direct); // IPv4 UDP, not from port 53
    // The host's DNS server answering: UDP from port 53, but leaving as IPv6.
    const answer6 = ipv4({ src: clat.ipv4, dst: clat.server4, ttl: 64 }, udp({ srcPort: 53, dstPort: 40000, payload: new Uint8Array(1000).fill(0xcd) }));
    path.handle(answer6, 2, writer, direct);
    writer.publish();
    const drained = new Collector();
    reader.drain(drained, 100);

    expect(drained.seen.map((o, i) => sharedHeadBytes(o.firstOutput!.bytes, direct.seen[i].firstOutput!.bytes))).toEqual([outputSnapBytes, outputSnapBytes]);
    expect(drained.seen.map((o, i) => sharedHeadBytes(o.input, direct.seen[i].input))).toEqual([inputSnapBytes, inputSnapBytes]);
    expect(drained.seen.map((o) => [o.input.length, o.firstOutput!.bytes.length])).toEqual(direct.seen.map((o) => [o.input.length, o.firstOutput!.bytes.length]));
  });
});

describe('observation ring: flow control', () => {
  it('when full, counts lost observations instead of waiting, and takes new ones after a drain', () => {
    const path = new PacketPath();
    const { writer, reader } = ring(4);
    for (let i = 0; i < 6; i++) path.handle(packets.syn(), i, writer);
    writer.publish();
    expect(reader.lost).toBe(2);
    const drained = new Collector();
    expect(reader.drain(drained, 100)).toBe(4);
    expect(drained.seen.map((o) => o.atMs)).toEqual([0, 1, 2, 3]);

    path.handle(packets.synAck(), 6, writer);
    writer.publish();
    expect(reader.drain(drained, 100)).toBe(1);
    expect(drained.seen[4].atMs).toBe(6);
    expect(reader.lost).toBe(2);
  });

  it('keeps the order over many times its capacity', () => {
    const path = new PacketPath();
    const { writer, reader } = ring(8);
    const drained = new Collector();
    let sent = 0;
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 5; i++) path.handle(packets.syn(), sent++, writer);
      writer.publish();
      reader.drain(drained, 100);
    }
    expect(drained.seen.map((o) => o.atMs)).toEqual(Array.from({ length: sent }, (_, i) => i));
    expect(reader.lost).toBe(0);
  });

  it('keeps the order when its free-running positions pass 2^31', () => {
    const path = new PacketPath();
    const buffer = createObservationBuffer(8);
    // The control words at the start of the buffer: the write and read positions, as Int32.
    const positions = new Int32Array(buffer, 0, 2);
    positions.fill(0x7fff_fffc);
    const writer = new ObservationWriter(buffer);
    const reader = new ObservationReader(buffer);
    const drained = new Collector();
    for (let sent = 0; sent < 24; sent += 6) {
      for (let i = 0; i < 6; i++) path.handle(packets.syn(), sent + i, writer);
      writer.publish();
      reader.drain(drained, 100);
    }
    expect(positions[0]).toBeLessThan(0);
    expect(drained.seen.map((o) => o.atMs)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(reader.lost).toBe(0);
  });

  it('drain(observer, max) hands at most max, oldest first', () => {
    const path = new PacketPath();
    const { writer, reader } = ring(8);
    for (let i = 0; i < 5; i++) path.handle(packets.syn(), i, writer);
    writer.publish();
    const drained = new Collector();
    expect([reader.drain(drained, 2), reader.drain(drained, 2), reader.drain(drained, 2), reader.drain(drained, 2)]).toEqual([2, 2, 1, 0]);
    expect(drained.seen.map((o) => o.atMs)).toEqual([0, 1, 2, 3, 4]);
  });

  it('lets the writer reuse slots already handed out while a long drain goes on', () => {
    const path = new PacketPath();
    const capacity = 128;
    const { writer, reader } = ring(capacity);
    for (let i = 0; i < capacity; i++) path.handle(packets.syn(), i, writer);
    writer.publish();
    const drained = new Collector();
    // The writer, on its own core, observes one more packet while the reader hands out the last.
    const racing: PacketObserver = {
      observe(...args: Parameters<PacketObserver['observe']>) {
        drained.observe(...args);
        if (drained.seen.length === capacity) path.handle(packets.synAck(), capacity, writer);
      },
    };
    expect(reader.drain(racing, capacity)).toBe(capacity);
    expect(reader.lost).toBe(0);
    writer.publish();
    expect(reader.drain(drained, 100)).toBe(1);
    expect(drained.seen[capacity].atMs).toBe(capacity);
  });
});

describe('observation ring: waiting for the writer', () => {
  it('whenWritten() resolves after publish(), not before', async () => {
    const path = new PacketPath();
    const { writer, reader } = ring(8);
    const written = reader.whenWritten();
    path.handle(packets.syn(), 1, writer);
    expect(await settlesWithin(written, 50)).toBe(false);
    writer.publish();
    expect(await settlesWithin(written, 5_000)).toBe(true);
  });

  it('whenWritten() resolves at once while observations wait, and waits again once they are drained', async () => {
    const path = new PacketPath();
    const { writer, reader } = ring(8);
    path.handle(packets.syn(), 1, writer);
    writer.publish();
    expect(await settlesWithin(reader.whenWritten(), 50)).toBe(true);
    reader.drain(new Collector(), 100);
    expect(await settlesWithin(reader.whenWritten(), 50)).toBe(false);
  });

  it('wake() ends a pending wait with nothing written', async () => {
    const { reader } = ring(8);
    const written = reader.whenWritten();
    reader.wake();
    expect(await settlesWithin(written, 5_000)).toBe(true);
    expect(reader.empty).toBe(true);
  });
});

describe('createObservationBuffer', () => {
  it('accepts powers of two and rejects other capacities', () => {
    expect(new ObservationReader(createObservationBuffer(2)).empty).toBe(true);
    expect(new ObservationReader(createObservationBuffer(64)).empty).toBe(true);
    for (const capacity of [0, 1, 3, 12, 100, 2.5, -8, 2 ** 21, Number.NaN]) {
      expect(() => createObservationBuffer(capacity), `capacity ${capacity}`).toThrow(RangeError);
    }
  });

  it('a ring end refuses a buffer that is not a ring', () => {
    const other = new SharedArrayBuffer(4096);
    new Int32Array(other)[3] = 16;
    expect(() => new ObservationReader(other)).toThrow(RangeError);
    expect(() => new ObservationWriter(other)).toThrow(RangeError);
    // Zeroed control words: a capacity of 0, whose layout is just the control words.
    expect(() => new ObservationReader(new SharedArrayBuffer(16))).toThrow(RangeError);
  });

  it('a writer over a used buffer goes on counting its losses from where they stand', () => {
    const path = new PacketPath();
    const buffer = createObservationBuffer(2);
    const first = new ObservationWriter(buffer);
    for (let i = 0; i < 5; i++) path.handle(packets.syn(), i, first);
    first.publish();
    const reader = new ObservationReader(buffer);
    expect(reader.lost).toBe(3);
    path.handle(packets.syn(), 5, new ObservationWriter(buffer));
    expect(reader.lost).toBe(4);
  });
});

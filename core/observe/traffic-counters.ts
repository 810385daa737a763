// The engine's counters: exact at any packet rate and cheap. Typed arrays indexed by number, one
// increment per packet and side, no object per packet; snapshots build the API's plain objects.
// Layout of the side arrays: [direction × 4 + protocol], direction 0 = 46, 1 = 64.
//
// With worker threads translating (core/engine/queue-workers.ts), each worker counts into its own
// TrafficCounters over a SharedArrayBuffer, one writer per buffer: no atomics on the packet path.
// The engine's counters read those shards too (`attach`), and keep what a shard counted when its
// worker ends (`detach` folds it in), so totals never go backwards.

import { engineDropNames, protocolNames, type CounterSnapshot, type DirectionCounters, type DropReasonName, type EngineDropName, type ProtocolName } from '../api/counters.js';
import { verdictCount, verdictNames } from '../xlat/verdict.js';
import { protocol } from '../wire/protocol.js';

export const direction46 = 0;
export const direction64 = 1;

export const protocolTcp = 0;
export const protocolUdp = 1;
export const protocolIcmp = 2;
export const protocolOther = 3;

/** IPv4 protocol number → counter column. */
export function protocolColumn(ipv4Protocol: number): number {
  if (ipv4Protocol === protocol.tcp) return protocolTcp;
  if (ipv4Protocol === protocol.udp) return protocolUdp;
  if (ipv4Protocol === protocol.icmp) return protocolIcmp;
  return protocolOther;
}

/** Engine drop numbers, for the hot path (`counters.engineDrops[EngineDrop.writeFailed]++`). */
export const EngineDrop = Object.freeze(Object.fromEntries(engineDropNames.map((name, index) => [name, index]))) as {
  readonly [N in EngineDropName]: number;
};

/** How many float64 the counters hold: four side arrays, verdicts, engine drops, super-packets per direction, generated errors. */
export const trafficCounterSlots = 4 * 8 + verdictCount + engineDropNames.length + 2 + 1;

export class TrafficCounters {
  readonly v4Packets: Float64Array;
  readonly v4Bytes: Float64Array;
  readonly v6Packets: Float64Array;
  readonly v6Bytes: Float64Array;
  /** Input packets per translator verdict (index = verdict number). */
  readonly verdicts: Float64Array;
  readonly engineDrops: Float64Array;
  /** Super-packets read or written whole, by direction (DirectionCounters.superPackets). */
  readonly superPackets: Float64Array;
  /** Every counter, the arrays above being views into it. */
  readonly all: Float64Array;
  private readonly shards: TrafficCounters[] = [];
  /** This plus the shards, for reading; null without shards. */
  private merged: TrafficCounters | null = null;

  /** @param buffer storage (another thread's counters: `trafficCounterSlots` float64); default: its own. */
  constructor(buffer: ArrayBufferLike = new ArrayBuffer(trafficCounterSlots * 8)) {
    this.all = new Float64Array(buffer, 0, trafficCounterSlots);
    let at = 0;
    const take = (n: number) => this.all.subarray(at, (at += n));
    this.v4Packets = take(8);
    this.v4Bytes = take(8);
    this.v6Packets = take(8);
    this.v6Bytes = take(8);
    this.verdicts = take(verdictCount);
    this.engineDrops = take(engineDropNames.length);
    this.superPackets = take(2);
  }

  get generatedErrors(): number {
    return this.all[trafficCounterSlots - 1];
  }

  set generatedErrors(value: number) {
    this.all[trafficCounterSlots - 1] = value;
  }

  /** Reads include `shard` (a worker's counters) from now on. */
  attach(shard: TrafficCounters): void {
    if (!this.shards.includes(shard)) this.shards.push(shard);
  }

  /** Stops reading `shard` and keeps what it counted (its worker has stopped writing; the shard is not to be attached again). */
  detach(shard: TrafficCounters): void {
    const at = this.shards.indexOf(shard);
    if (at < 0) return;
    this.shards.splice(at, 1);
    for (let i = 0; i < trafficCounterSlots; i++) this.all[i] += shard.all[i];
  }

  /** The counters to read: these alone, or summed with the shards. */
  private view(): TrafficCounters {
    if (this.shards.length === 0) return this;
    const merged = (this.merged ??= new TrafficCounters());
    merged.all.set(this.all);
    for (const shard of this.shards) for (let i = 0; i < trafficCounterSlots; i++) merged.all[i] += shard.all[i];
    return merged;
  }

  /** A translated packet: `v4Bytes`/`v6Bytes` on each side (several IPv6 fragments count each). */
  countTranslated(direction: number, protocol: number, v4Packets: number, v4Bytes: number, v6Packets: number, v6Bytes: number): void {
    const i = direction * 4 + protocol;
    this.v4Packets[i] += v4Packets;
    this.v4Bytes[i] += v4Bytes;
    this.v6Packets[i] += v6Packets;
    this.v6Bytes[i] += v6Bytes;
  }

  /** Totals for one direction: [v4 packets, v4 bytes, v6 packets, v6 bytes]. */
  totals(direction: number, into: Float64Array): void {
    const c = this.view();
    into.fill(0);
    for (let p = 0; p < 4; p++) {
      const i = direction * 4 + p;
      into[0] += c.v4Packets[i];
      into[1] += c.v4Bytes[i];
      into[2] += c.v6Packets[i];
      into[3] += c.v6Bytes[i];
    }
  }

  /** Every packet the loop handled, whatever became of it: grows with any change to the counters. */
  handled(): number {
    const c = this.view();
    let total = 0;
    for (const count of c.verdicts) total += count;
    for (const count of c.engineDrops) total += count;
    return total;
  }

  /** Packets not translated, of every reason. */
  droppedTotal(): number {
    const c = this.view();
    let total = 0;
    for (let v = 1; v < verdictCount; v++) total += c.verdicts[v];
    for (const count of c.engineDrops) total += count;
    return total;
  }

  snapshot(): CounterSnapshot {
    const c = this.view();
    if (c !== this) return c.snapshot();
    const dropped: Partial<Record<DropReasonName, number>> = {};
    for (let v = 1; v < verdictCount; v++) if (this.verdicts[v] > 0) dropped[verdictNames[v] as DropReasonName] = this.verdicts[v];
    engineDropNames.forEach((name, i) => {
      if (this.engineDrops[i] > 0) dropped[name] = this.engineDrops[i];
    });
    return { out46: this.direction(direction46), in64: this.direction(direction64), generatedErrors: this.generatedErrors, dropped };
  }

  private direction(direction: number): DirectionCounters {
    const side = (packets: Float64Array, bytes: Float64Array, p: number) => ({ packets: packets[direction * 4 + p], bytes: bytes[direction * 4 + p] });
    const byProtocol = Object.fromEntries(
      protocolNames.map((name, p) => [name, { ipv4: side(this.v4Packets, this.v4Bytes, p), ipv6: side(this.v6Packets, this.v6Bytes, p) }]),
    ) as Record<ProtocolName, { ipv4: { packets: number; bytes: number }; ipv6: { packets: number; bytes: number } }>;
    const sum = (key: 'ipv4' | 'ipv6', field: 'packets' | 'bytes') => protocolNames.reduce((total, name) => total + byProtocol[name][key][field], 0);
    return {
      ipv4: { packets: sum('ipv4', 'packets'), bytes: sum('ipv4', 'bytes') },
      ipv6: { packets: sum('ipv6', 'packets'), bytes: sum('ipv6', 'bytes') },
      byProtocol,
      superPackets: this.superPackets[direction],
    };
  }
}

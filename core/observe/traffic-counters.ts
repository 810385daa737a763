// The engine's counters: exact at any packet rate and cheap. Typed arrays indexed by number, one
// increment per packet and side, no object per packet; snapshots build the API's plain objects.
// Layout of the side arrays: [direction × 4 + protocol], direction 0 = 46, 1 = 64.

import { engineDropNames, protocolNames, type CounterSnapshot, type DirectionCounters, type DropReasonName, type EngineDropName, type ProtocolName } from '../api/counters.js';
import { verdictCount, verdictNames } from '../xlat/verdict.js';

export const direction46 = 0;
export const direction64 = 1;

export const protocolTcp = 0;
export const protocolUdp = 1;
export const protocolIcmp = 2;
export const protocolOther = 3;

/** IPv4 protocol number → counter column. */
export function protocolColumn(ipv4Protocol: number): number {
  if (ipv4Protocol === 6) return protocolTcp;
  if (ipv4Protocol === 17) return protocolUdp;
  if (ipv4Protocol === 1) return protocolIcmp;
  return protocolOther;
}

/** Engine drop numbers, for the hot path (`counters.engineDrops[EngineDrop.writeFailed]++`). */
export const EngineDrop = Object.freeze(Object.fromEntries(engineDropNames.map((name, index) => [name, index]))) as {
  readonly [N in EngineDropName]: number;
};

export class TrafficCounters {
  readonly v4Packets = new Float64Array(8);
  readonly v4Bytes = new Float64Array(8);
  readonly v6Packets = new Float64Array(8);
  readonly v6Bytes = new Float64Array(8);
  /** Input packets per translator verdict (index = verdict number). */
  readonly verdicts = new Float64Array(verdictCount);
  readonly engineDrops = new Float64Array(engineDropNames.length);
  generatedErrors = 0;

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
    into.fill(0);
    for (let p = 0; p < 4; p++) {
      const i = direction * 4 + p;
      into[0] += this.v4Packets[i];
      into[1] += this.v4Bytes[i];
      into[2] += this.v6Packets[i];
      into[3] += this.v6Bytes[i];
    }
  }

  /** Every packet the loop handled, whatever became of it: grows with any change to the counters. */
  handled(): number {
    let total = 0;
    for (const count of this.verdicts) total += count;
    for (const count of this.engineDrops) total += count;
    return total;
  }

  /** Packets not translated, of every reason. */
  droppedTotal(): number {
    let total = 0;
    for (let v = 1; v < verdictCount; v++) total += this.verdicts[v];
    for (const count of this.engineDrops) total += count;
    return total;
  }

  snapshot(): CounterSnapshot {
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
    };
  }
}

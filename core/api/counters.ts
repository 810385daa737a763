// The engine's counters as the CLI and the UI see them: per direction (46: IPv4 → IPv6, out
// through the CLAT; 64: IPv6 → IPv4, back in), per protocol, on each side of the translator, plus
// every reason a packet was not translated, from one table (the translator's verdicts and the
// engine's own reasons).

import { verdictTable } from '../xlat/verdict.js';

export const protocolNames = ['tcp', 'udp', 'icmp', 'other'] as const;
export type ProtocolName = (typeof protocolNames)[number];

/** Drops the engine makes itself, before or after the translator. Append only. */
export const engineDropTable = {
  spoofedSource: 'IPv4 packet from the host whose source is not the CLAT address 192.0.0.1',
  notForClat: 'IPv6 packet whose destination is not the CLAT IPv6 address',
  noRoute: 'No route for a translated packet (the kernel refused to send it)',
  writeFailed: 'The TUN device or the raw socket would not take a translated packet',
  offloadMismatch: 'Packet from the TUN whose virtio-net header (offloads) does not fit it',
  cutOnRead: 'IPv6 packet from the packet socket longer than the engine reads at once (merged beyond 64 KiB): cut',
  checksumUnfinished: 'IPv6 packet handed over with its checksum not yet computed (veth, virtio-net, GRO) whose TCP or UDP header cannot be found to finish it',
  mergedUntranslatable: "IPv6 packets merged (GRO, or a peer's TSO over a veth) beyond the uplink MTU that cannot be one IPv4 packet: UDP, or over 65535 bytes",
} as const;

export type EngineDropName = keyof typeof engineDropTable;
export const engineDropNames = Object.keys(engineDropTable) as EngineDropName[];

const { translated: _translated, ...translatorDrops } = verdictTable;

/** Every drop reason with its description: what `dropped` is keyed by. */
export const dropReasonTable = { ...translatorDrops, ...engineDropTable } as const;
export type DropReasonName = keyof typeof dropReasonTable;

export interface SideCounters {
  readonly packets: number;
  readonly bytes: number;
}

/** One direction's translated traffic: the IPv4 side (as the host sent or received it) and the IPv6 side (on the uplink). */
export interface DirectionCounters {
  readonly ipv4: SideCounters;
  readonly ipv6: SideCounters;
  readonly byProtocol: Readonly<Record<ProtocolName, { readonly ipv4: SideCounters; readonly ipv6: SideCounters }>>;
}

export interface CounterSnapshot {
  readonly out46: DirectionCounters;
  readonly in64: DirectionCounters;
  /** ICMP errors the translator generated (sent back to the side a dropped packet came from). */
  readonly generatedErrors: number;
  readonly dropped: Partial<Record<DropReasonName, number>>;
}

/** One second of traffic, for the charts: packets and bytes of each side, each direction, and drops. */
export interface RateSample {
  readonly atMs: number;
  readonly packets46: number;
  readonly bytes46v4: number;
  readonly bytes46v6: number;
  readonly packets64: number;
  readonly bytes64v4: number;
  readonly bytes64v6: number;
  readonly dropped: number;
}

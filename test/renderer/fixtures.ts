// Engine data for the renderer's tests: statuses, counters, flows and trace pairs as the engine
// sends them, built from real packets (core/wire) so the trace rows decode for real.

import type { CounterSnapshot, RateSample } from '../../core/api/counters.js';
import type { Snapshot } from '../../core/api/messages.js';
import type { ClatStatus } from '../../core/api/status.js';
import type { TracePairJson } from '../../core/api/trace-wire.js';
import { encodeBase64 } from '../../core/api/base64.js';
import type { FlowInfo } from '../../core/observe/flow-info.js';

export const offStatus: ClatStatus = { state: 'off', mode: 'manual' };

export const runningStatus: ClatStatus = {
  state: 'running',
  mode: 'manual',
  uplink: 'wlan0',
  tun: 'clat',
  clatIpv4: '192.0.0.1',
  clatIpv6: '2001:db8:1:2::c1a7',
  prefix: { prefix: '64:ff9b::/96', source: 'ra', learnedAtMs: 1_000, expiresAtMs: 1_801_000 },
  mtu: 1472,
  delivery: 'force-forwarding',
  sinceMs: 1_000,
  counters: { translated46: 0, translated64: 0, bytes46: 0, bytes64: 0, superPackets46: 0, superPackets64: 0, dropped: {} },
};

const zeroSide = { packets: 0, bytes: 0 };
const zeroPair = { ipv4: zeroSide, ipv6: zeroSide };

export function counters(packets46: number, packets64: number): CounterSnapshot {
  const direction = (packets: number, v4Bytes: number, v6Bytes: number) => ({
    ipv4: { packets, bytes: packets * v4Bytes },
    ipv6: { packets, bytes: packets * v6Bytes },
    byProtocol: { tcp: zeroPair, udp: zeroPair, icmp: { ipv4: { packets, bytes: packets * v4Bytes }, ipv6: { packets, bytes: packets * v6Bytes } }, other: zeroPair },
    superPackets: 0,
  });
  return { out46: direction(packets46, 84, 104), in64: direction(packets64, 84, 104), generatedErrors: 0, dropped: { ttlExpired: 2 } as CounterSnapshot['dropped'] };
}

export function rate(atMs: number, packets: number): RateSample {
  return { atMs, packets46: packets, bytes46v4: packets * 84, bytes46v6: packets * 104, packets64: packets, bytes64v4: packets * 84, bytes64v6: packets * 104, dropped: 0 };
}

export function snapshot(status: ClatStatus, packets = 0): Snapshot {
  return { status, counters: counters(packets, packets), rates: [rate(1000, packets)] };
}

export function flow(id: number, program: string | null, lastSeenMs: number): FlowInfo {
  return {
    id,
    protocol: 1,
    v4: { local: '192.0.0.1', localPort: id, remote: '203.0.113.10', remotePort: 0 },
    v6: { local: '2001:db8:1:2::c1a7', localPort: id, remote: '64:ff9b::cb00:710a', remotePort: 0 },
    firstSeenMs: lastSeenMs - 1000,
    lastSeenMs,
    packets46: 1,
    bytes46: 84,
    packets64: 1,
    bytes64: 84,
    tcpState: null,
    remoteName: null,
    program: program === null ? null : { pid: 100 + id, executable: `/usr/bin/${program}`, commandLine: [program], user: 'alice', uid: 1000 },
  };
}

function checksum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  for (let i = start; i < end; i += 2) sum += (bytes[i] << 8) | (i + 1 < end ? bytes[i + 1] : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** An ICMP echo request from 192.0.0.1 to 203.0.113.10 (IPv4 + ICMP, 28 bytes). */
export function echoV4(sequence: number): Uint8Array {
  const packet = new Uint8Array(28);
  packet.set([0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, 1, 0, 0, 192, 0, 0, 1, 203, 0, 113, 10]);
  const ipSum = checksum(packet, 0, 20);
  packet[10] = ipSum >> 8;
  packet[11] = ipSum & 0xff;
  packet.set([8, 0, 0, 0, 0x12, 0x34, sequence >> 8, sequence & 0xff], 20);
  const icmpSum = checksum(packet, 20, 28);
  packet[22] = icmpSum >> 8;
  packet[23] = icmpSum & 0xff;
  return packet;
}

/** Its IPv6 twin's header (40 bytes) and ICMPv6 echo request (checksum left 0: decoding ignores it). */
export function echoV6(sequence: number): Uint8Array {
  const packet = new Uint8Array(48);
  packet.set([0x60, 0, 0, 0, 0, 8, 58, 64]);
  packet.set([0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0xc1, 0xa7], 8);
  packet.set([0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 203, 0, 113, 10], 24);
  packet.set([128, 0, 0, 0, 0x12, 0x34, sequence >> 8, sequence & 0xff], 40);
  return packet;
}

export function echoPair(id: number, program: string | null = 'ping'): TracePairJson {
  const v4 = echoV4(id);
  const v6 = echoV6(id);
  return {
    id,
    atMs: 1_000 + id,
    direction: 46,
    verdict: 'translated',
    generated: false,
    flowId: 1,
    outputCount: 1,
    input: { family: 4, length: v4.length, bytes: encodeBase64(v4) },
    output: { family: 6, length: v6.length, bytes: encodeBase64(v6) },
    program: program === null ? null : { name: program, pid: 101 },
  };
}

export function droppedPair(id: number): TracePairJson {
  const v4 = echoV4(id);
  return { ...echoPair(id), verdict: 'ttlExpired', output: null, input: { family: 4, length: v4.length, bytes: encodeBase64(v4) } };
}

// The CLAT the trace tests translate with (pool6 2001:db8:64::/96, EAMT 2001:db8:1:2::c1a7 ↔
// 192.0.0.1, as the engine sets it up), typical packets of a host program and of the network, and
// a helper that translates a packet into an XlatOutput and records the pair, as the packet loop does.

import { TraceRing } from '../../core/observe/trace-ring.js';
import { parseSiitConfig } from '../../core/xlat/config.js';
import { XlatOutput } from '../../core/xlat/output.js';
import { Translator } from '../../core/xlat/translator.js';
import { echoRest, icmp4, icmp6, ipv4, ipv6, pattern, tcp, udp } from './packet-builder.js';

export const clat = {
  ipv4: '192.0.0.1',
  ipv6: '2001:db8:1:2::c1a7',
  self4: '192.0.0.2',
  server4: '203.0.113.10',
  /** 203.0.113.10 under the NAT64 prefix. */
  server6: '2001:db8:64::cb00:710a',
} as const;

/** Epoch ms at which the tests' monotonic clock reads 0 (2023-11-14T22:13:20Z). */
export const clockOffsetMs = 1_700_000_000_000;

export function clatTranslator(): Translator {
  const parsed = parseSiitConfig({
    pool6: '2001:db8:64::/96',
    eamt: [{ ipv6: `${clat.ipv6}/128`, ipv4: `${clat.ipv4}/32` }],
    selfIpv4: clat.self4,
    selfIpv6: clat.ipv6,
  });
  if (!parsed.ok) throw new Error(parsed.error);
  return new Translator(parsed.config);
}

/** Translates packets and records their pairs into a ring, like the packet loop and its observer. */
export class Recorder {
  readonly translator = clatTranslator();
  readonly out = new XlatOutput();
  /** The arena form of the engine: packets placed at an offset inside a larger buffer. */
  private readonly arena = new Uint8Array(70_000);

  constructor(readonly ring: TraceRing = new TraceRing({ clockOffsetMs })) {}

  /** Translates `packet`, records it at `nowMs` (monotonic) and returns the pair id. */
  record(packet: Uint8Array, nowMs = 0, flowId = -1): number {
    const start = 100;
    this.arena.fill(0xee);
    this.arena.set(packet, start);
    const verdict = this.translator.translateAt(this.arena, start, packet.length, this.out);
    return this.ring.record(this.arena, start, packet.length, verdict, this.out, nowMs, flowId);
  }
}

export const packets = {
  /** curl's SYN to 203.0.113.10:80. */
  syn: () => ipv4({ src: clat.ipv4, dst: clat.server4, ttl: 64 }, tcp({ srcPort: 51514, dstPort: 80, seq: 1000, flags: 0x02, payload: new Uint8Array(0) })),
  /** The server's SYN-ACK back. */
  synAck: () => ipv6({ src: clat.server6, dst: clat.ipv6, hopLimit: 60 }, tcp({ srcPort: 80, dstPort: 51514, seq: 5000, ack: 1001, flags: 0x12, payload: new Uint8Array(0) })),
  /** A DNS query over UDP. */
  dns: () => ipv4({ src: clat.ipv4, dst: clat.server4, ttl: 64 }, udp({ srcPort: 40000, dstPort: 53, payload: pattern(30) })),
  /** ping 203.0.113.10. */
  echo: () => ipv4({ src: clat.ipv4, dst: clat.server4, ttl: 64 }, icmp4({ type: 8, rest: echoRest(7, 1), payload: pattern(56) })),
  echoReply: () => ipv6({ src: clat.server6, dst: clat.ipv6, hopLimit: 60 }, icmp6({ type: 129, rest: echoRest(7, 1), payload: pattern(56) })),
  /** A big DF=0 UDP datagram: leaves as three IPv6 fragments. */
  bigUdp: () => ipv4({ src: clat.ipv4, dst: clat.server4, ttl: 64, id: 0x4321 }, udp({ srcPort: 40001, dstPort: 9000, payload: pattern(3000) })),
  /** TTL 1: the translator drops it and sends ICMP Time Exceeded back. */
  ttl1: () => ipv4({ src: clat.ipv4, dst: clat.server4, ttl: 1 }, tcp({ srcPort: 51515, dstPort: 80, flags: 0x02 })),
  /** An IPv6 packet from a source with no IPv4 mapping: dropped without a reply. */
  unmapped: () => ipv6({ src: '2001:db8:99::1', dst: clat.ipv6, hopLimit: 60 }, udp({ srcPort: 53, dstPort: 40000 })),
  /** An SCTP-like unknown protocol (132). */
  sctp: () => ipv4({ src: clat.ipv4, dst: clat.server4, ttl: 64, proto: 132 }, udp({ srcPort: 7, dstPort: 7 })),
};

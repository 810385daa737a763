// Which flow a translated packet belongs to: the IPv4 5-tuple of the host's side (local 192.0.0.1
// and port, remote IPv4 and port, protocol), read through the header views of core/wire, and
// where its IPv6 twin is.
//
// What a packet counts as:
// - TCP and UDP: their ports. ICMP echo request and reply: the identifier is the local port (remote
//   port 0). An ICMP error belongs to the flow of the packet it quotes (RFC 792: the IP header and
//   first 8 bytes of the original datagram); that quote went the other way, so for an error coming
//   in (64) the quote's source is the local side.
// - Fragments: the first one (offset 0) carries the ports; later ones carry none, and are keyed by
//   their addresses and protocol with ports 0 (the flow table looks for the first one's note first).
// - Bytes are those of the IPv4 packet, the one the host's program sent or receives.
//
// Each part of the key is a small pure function over (bytes, at) answering a number, so that the
// optimizer inlines them into the flow table's `record` and the key lives in its locals: no object
// is written per packet (a key object filled by an out-of-line call cost the table 5-15 % per
// packet in bench:flows). Addresses are int32 (`sourceInt32`): the same bits, kept unboxed.

import * as icmpHeader from '../wire/icmp-header.js';
import { icmp4Type, icmpHeaderBytes, isIcmp4Error } from '../wire/icmp.js';
import * as ipv4Header from '../wire/ipv4-header.js';
import { ipv4 } from '../wire/ipv4.js';
import { protocol } from '../wire/protocol.js';
import * as transportHeader from '../wire/transport-header.js';
import type { XlatOutput } from '../xlat/output.js';
import { Verdict } from '../xlat/verdict.js';

/** Which way a handled packet went through the CLAT, when it has a flow (`directionOf`). */
export const flowDirection = {
  /** No flow: not a translation, or a generated ICMP error. */
  none: 0,
  /** 46: the key is read from the IPv4 input, the twin from the IPv6 output. */
  outbound: 1,
  /** 64: the key is read from the IPv4 output (addresses and ports reversed), the twin from the IPv6 input. */
  inbound: 2,
} as const;

/** What the IPv4 packet is to its flow (`kindOf`). */
export const flowKeyKind = {
  /** A packet with its ports (unfragmented, or the first fragment): its flow may be created. */
  packet: 1,
  /** A later fragment: no ports; its first fragment's note names the flow, if there is one. */
  laterFragment: 2,
  /** An ICMP error: the key is the quoted packet's flow (`quoteAt`), which it never creates. */
  icmpError: 3,
} as const;

/**
 * Whether one packet the packet loop handled (PacketObserver's arguments) has a flow, and which
 * way it went: only translations have flows, and only between the two families.
 */
export function directionOf(input: Uint8Array, start: number, length: number, verdict: number, out: XlatOutput): number {
  if (verdict !== Verdict.translated || out.count === 0 || length <= 0 || out.generated[0] !== 0) return flowDirection.none;
  const version = ipv4Header.version(input, start);
  if (version === 4 && out.family[0] === 6) return flowDirection.outbound;
  if (version === 6 && out.family[0] === 4) return flowDirection.inbound;
  return flowDirection.none;
}

/** The bytes holding the IPv4 packet: the input going out (46), the output coming in (64). */
export function ipv4Bytes(input: Uint8Array, out: XlatOutput, outbound: boolean): Uint8Array {
  return outbound ? input : out.buffer;
}

/** Where the IPv4 packet starts in `ipv4Bytes`. */
export function ipv4Start(start: number, out: XlatOutput, outbound: boolean): number {
  return outbound ? start : out.start[0];
}

/** Where the IPv4 packet ends in `ipv4Bytes`. */
export function ipv4End(start: number, length: number, out: XlatOutput, outbound: boolean): number {
  return outbound ? start + length : out.start[0] + out.length[0];
}

/** The bytes holding the IPv6 twin: the output going out (46), the input coming in (64). */
export function ipv6Bytes(input: Uint8Array, out: XlatOutput, outbound: boolean): Uint8Array {
  return outbound ? out.buffer : input;
}

/** Where the IPv6 twin's header starts in `ipv6Bytes`. */
export function ipv6Start(start: number, out: XlatOutput, outbound: boolean): number {
  return outbound ? out.start[0] : start;
}

/**
 * What the first fragment (or whole packet) is to its flow: `l4` is where its data starts in `b`
 * and `l4Bytes` how much of it the header covers (ipv4Header.packetLength, less the header).
 * A later fragment is a `flowKeyKind.laterFragment` whatever its protocol.
 */
export function kindOf(b: Uint8Array, l4: number, l4Bytes: number, proto: number): number {
  return proto === protocol.icmp && l4Bytes >= icmpHeaderBytes && isIcmp4Error(icmpHeader.type(b, l4)) ? flowKeyKind.icmpError : flowKeyKind.packet;
}

/** The host's side's address (int32): the Source Address of a packet going out, the Destination of one coming in. */
export function localAddress(b: Uint8Array, at: number, outbound: boolean): number {
  return outbound ? ipv4Header.sourceInt32(b, at) : ipv4Header.destinationInt32(b, at);
}

/** The far side's address (int32). */
export function remoteAddress(b: Uint8Array, at: number, outbound: boolean): number {
  return outbound ? ipv4Header.destinationInt32(b, at) : ipv4Header.sourceInt32(b, at);
}

/**
 * The host's side's port of a first fragment (or whole packet) of protocol `proto` whose data is
 * `b[l4, l4 + l4Bytes)`: the TCP or UDP port, an ICMP echo's identifier, else 0 (other
 * protocols, too short). Later fragments have none (0).
 */
export function localPort(b: Uint8Array, l4: number, l4Bytes: number, proto: number, outbound: boolean): number {
  if (proto === protocol.tcp || proto === protocol.udp) {
    if (l4Bytes < transportHeader.portsBytes) return 0;
    return outbound ? transportHeader.sourcePort(b, l4) : transportHeader.destinationPort(b, l4);
  }
  if (proto !== protocol.icmp || l4Bytes < icmpHeaderBytes) return 0;
  const type = icmpHeader.type(b, l4);
  return type === icmp4Type.echoRequest || type === icmp4Type.echoReply ? icmpHeader.identifier(b, l4) : 0;
}

/** The far side's port: TCP or UDP only, else 0. */
export function remotePort(b: Uint8Array, l4: number, l4Bytes: number, proto: number, outbound: boolean): number {
  if ((proto !== protocol.tcp && proto !== protocol.udp) || l4Bytes < transportHeader.portsBytes) return 0;
  return outbound ? transportHeader.destinationPort(b, l4) : transportHeader.sourcePort(b, l4);
}

/** The TCP control bits of a first fragment (or whole packet), or -1 (not TCP, too short). */
export function tcpFlags(b: Uint8Array, l4: number, l4Bytes: number, proto: number): number {
  return proto !== protocol.tcp || l4Bytes < transportHeader.tcpControlBitsBytes ? -1 : transportHeader.tcpControlBits(b, l4);
}

/** Where the quoted IPv4 packet of the ICMP error whose data starts at `l4` starts (kindOf said icmpError). */
export function quoteAt(l4: number): number {
  return icmpHeader.quoteAt(l4);
}

/**
 * The quoted packet's bytes, `b[at, end)`, when a whole IPv4 header is there, else 0. Only the
 * header is checked: a quote is cut short, so its Total Length is the original's.
 */
export function quoteLength(b: Uint8Array, at: number, end: number): number {
  if (end - at < ipv4.minHeaderBytes || ipv4Header.version(b, at) !== 4) return 0;
  const ihl = ipv4Header.headerLength(b, at);
  return ihl < ipv4.minHeaderBytes || at + ihl > end ? 0 : end - at;
}

// Which flow a translated packet belongs to: the IPv4 5-tuple of the host's side (local 192.0.0.1
// and port, remote IPv4 and port, protocol), read through the header views of core/wire, and
// where its IPv6 twin is. One FlowKey is re-pointed per packet; it allocates nothing.
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
// Addresses are int32 (`sourceInt32`) in an Int32Array: V8 keeps int32 unboxed, but an address
// beyond its small integers (64.0.0.0 to 191.255.255.255) stored in an object field would be a
// heap number, and a uint32 above 2^31 (192.0.0.1 is one) too. The other fields are small integers.

import * as icmpHeader from '../wire/icmp-header.js';
import { icmp4Type, icmpHeaderBytes, isIcmp4Error } from '../wire/icmp.js';
import * as ipv4Header from '../wire/ipv4-header.js';
import { protocol } from '../wire/protocol.js';
import * as transportHeader from '../wire/transport-header.js';
import type { XlatOutput } from '../xlat/output.js';
import { Verdict } from '../xlat/verdict.js';

/** What `FlowKey.read` found. */
export const flowKeyKind = {
  /** No flow: not a translation, a generated ICMP error, or no whole IPv4 header. */
  none: 0,
  /** A packet with its ports (unfragmented, or the first fragment): its flow may be created. */
  packet: 1,
  /** A later fragment: no ports; its first fragment's note names the flow, if there is one. */
  laterFragment: 2,
  /** An ICMP error: the key is the quoted packet's flow, which it never creates. */
  icmpError: 3,
} as const;

// Indexes into `addresses`.
const localIndex = 0;
const remoteIndex = 1;
const sourceIndex = 2;
const destinationIndex = 3;

export class FlowKey {
  /** Local, remote, source and destination IPv4 addresses as int32 (see the top). */
  private readonly addresses = new Int32Array(4);
  /** The IPv4 header's Protocol. */
  protocol = 0;
  localPort = 0;
  remotePort = 0;
  /** The packet went out through the CLAT (46), rather than in (64). */
  outbound = false;
  /** The IPv4 packet's bytes: what the flow counts. */
  packetBytes = 0;
  /** The TCP control bits, or -1 (not TCP, or too short to have them). */
  tcpFlags = -1;
  /** The IPv4 header's Identification and MF, with its Source and Destination what fragment-memo.ts keys on. */
  identification = 0;
  moreFragments = false;
  /** Where the IPv6 twin's header is: in the output's buffer for 46, in the input for 64. */
  v6At = 0;

  /** The host's side: 192.0.0.1. */
  get local(): number {
    return this.addresses[localIndex];
  }

  get remote(): number {
    return this.addresses[remoteIndex];
  }

  /** The IPv4 header's Source Address (the packet's own, not an ICMP error's quote). */
  get source(): number {
    return this.addresses[sourceIndex];
  }

  get destination(): number {
    return this.addresses[destinationIndex];
  }

  /**
   * Re-points the key at one packet the packet loop handled (PacketObserver's arguments). Only
   * translations have flows: direction 46 takes the key from the IPv4 input and the twin from the
   * IPv6 output, 64 the key from the IPv4 output (addresses and ports reversed) and the twin from
   * the IPv6 input. Returns a `flowKeyKind`.
   */
  read(input: Uint8Array, start: number, length: number, verdict: number, out: XlatOutput): number {
    if (verdict !== Verdict.translated || out.count === 0 || length <= 0 || out.generated[0] !== 0) return flowKeyKind.none;
    const version = ipv4Header.version(input, start);
    let outbound: boolean;
    let v4: Uint8Array;
    let at: number;
    let end: number;
    if (version === 4 && out.family[0] === 6) {
      outbound = true;
      v4 = input;
      at = start;
      end = start + length;
      this.v6At = out.start[0];
    } else if (version === 6 && out.family[0] === 4) {
      outbound = false;
      v4 = out.buffer;
      at = out.start[0];
      end = at + out.length[0];
      this.v6At = start;
    } else {
      return flowKeyKind.none;
    }
    const packetLength = ipv4Header.packetLength(v4, at, end);
    if (packetLength === 0) return flowKeyKind.none;
    const proto = ipv4Header.protocol(v4, at);
    const src = ipv4Header.sourceInt32(v4, at);
    const dst = ipv4Header.destinationInt32(v4, at);
    this.outbound = outbound;
    this.packetBytes = end - at;
    this.protocol = proto;
    const addresses = this.addresses;
    addresses[sourceIndex] = src;
    addresses[destinationIndex] = dst;
    addresses[localIndex] = outbound ? src : dst;
    addresses[remoteIndex] = outbound ? dst : src;
    this.identification = ipv4Header.identification(v4, at);
    this.moreFragments = ipv4Header.moreFragments(v4, at);
    this.tcpFlags = -1;
    let localPort = 0;
    let remotePort = 0;
    let kind: number = flowKeyKind.packet;
    if (ipv4Header.fragmentOffset(v4, at) !== 0) {
      kind = flowKeyKind.laterFragment;
    } else {
      const l4 = at + ipv4Header.headerLength(v4, at);
      const l4Bytes = at + packetLength - l4;
      if (proto === protocol.tcp || proto === protocol.udp) {
        if (l4Bytes >= transportHeader.portsBytes) {
          const sourcePort = transportHeader.sourcePort(v4, l4);
          const destinationPort = transportHeader.destinationPort(v4, l4);
          localPort = outbound ? sourcePort : destinationPort;
          remotePort = outbound ? destinationPort : sourcePort;
        }
        if (proto === protocol.tcp && l4Bytes >= transportHeader.tcpControlBitsBytes) this.tcpFlags = transportHeader.tcpControlBits(v4, l4);
      } else if (proto === protocol.icmp && l4Bytes >= icmpHeaderBytes) {
        const type = icmpHeader.type(v4, l4);
        if (type === icmp4Type.echoRequest || type === icmp4Type.echoReply) {
          localPort = icmpHeader.identifier(v4, l4);
        } else if (isIcmp4Error(type)) {
          return this.readQuote(v4, icmpHeader.quoteAt(l4), at + packetLength, outbound);
        }
      }
    }
    this.localPort = localPort;
    this.remotePort = remotePort;
    return kind;
  }

  /** An ICMP error's quoted IPv4 packet at `b[at, end)`: its flow, seen from the host's side. */
  private readQuote(b: Uint8Array, at: number, end: number, outbound: boolean): number {
    if (end - at < 20 || ipv4Header.version(b, at) !== 4) return flowKeyKind.none;
    const ihl = ipv4Header.headerLength(b, at);
    if (ihl < 20 || at + ihl > end) return flowKeyKind.none;
    const proto = ipv4Header.protocol(b, at);
    const quotedSrc = ipv4Header.sourceInt32(b, at);
    const quotedDst = ipv4Header.destinationInt32(b, at);
    this.protocol = proto;
    // The quote went the other way: for an error going out (46) the quote came in to the host.
    this.addresses[localIndex] = outbound ? quotedDst : quotedSrc;
    this.addresses[remoteIndex] = outbound ? quotedSrc : quotedDst;
    let localPort = 0;
    let remotePort = 0;
    const l4 = at + ihl;
    if (ipv4Header.fragmentOffset(b, at) === 0) {
      if ((proto === protocol.tcp || proto === protocol.udp) && l4 + transportHeader.portsBytes <= end) {
        // The quote went the other way: its source is local when the error came in (64).
        const sourcePort = transportHeader.sourcePort(b, l4);
        const destinationPort = transportHeader.destinationPort(b, l4);
        localPort = outbound ? destinationPort : sourcePort;
        remotePort = outbound ? sourcePort : destinationPort;
      } else if (proto === protocol.icmp && l4 + icmpHeaderBytes <= end) {
        const type = icmpHeader.type(b, l4);
        if (type === icmp4Type.echoRequest || type === icmp4Type.echoReply) localPort = icmpHeader.identifier(b, l4);
      }
    }
    this.localPort = localPort;
    this.remotePort = remotePort;
    return flowKeyKind.icmpError;
  }
}

// Which flow a translated packet belongs to: the IPv4 5-tuple of the host's side (local 192.0.0.1
// and port, remote IPv4 and port, protocol), read through the header views of core/wire, with the
// hash the flow store indexes it by and where its IPv6 twin is.
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
// One FlowKey is re-pointed at every packet (`read`): its fields are written in place, so nothing
// is allocated per packet; addresses are int32 (the same bits as the uint32). Why one object read by one call, rather than small functions the flow table inlines:
// V8's optimizing compiler inlines at most 920 bytes of bytecode into a function, and the key's
// rules through the header views take most of that; the flow table's `record` then called the
// store's lookup, the hash and the LRU move out of line, eight calls per packet (10-16 % slower
// in bench:flows). `read` is larger than V8 inlines (460 bytes), so it is compiled on its own with
// its own budget for the views and the hash, and `record` keeps its budget for the store: one call
// per packet, as the one-file table had. For the same budget, fragment fields and an ICMP error's
// quote are read in branches most packets skip (calls there are not inlined), and the fields are
// written in one place in `read` rather than by a method of their own. The views are module
// constants, as on the translator's packet path (ipv4-header.ts says why): 48 instructions fewer
// per packet than calls through the imports (`npm run bench:flows -- --instructions`).

import * as icmpHeaderExports from '../wire/icmp-header.js';
import { icmp4Type, icmpHeaderBytes, isIcmp4Error } from '../wire/icmp.js';
import * as ipv4HeaderExports from '../wire/ipv4-header.js';
import { ipv4 } from '../wire/ipv4.js';
import { protocol } from '../wire/protocol.js';
import * as transportHeaderExports from '../wire/transport-header.js';
import type { XlatOutput } from '../xlat/output.js';
import { Verdict } from '../xlat/verdict.js';
import { hashWords } from './slot-hash-index.js';

const icmpHeader = { ...icmpHeaderExports };
const ipv4Header = { ...ipv4HeaderExports };
const transportHeader = { ...transportHeaderExports };

/** What `FlowKey.read` found. */
export const flowKeyKind = {
  /** No flow: not a translation, a generated ICMP error, or no whole IPv4 header (or quote). */
  none: 0,
  /** A whole packet with its ports: its flow may be created. */
  packet: 1,
  /** The first fragment (offset 0, MF set): a packet with its ports whose later fragments have none. */
  firstFragment: 2,
  /** A later fragment: no ports; its first fragment's note names the flow, if there is one. */
  laterFragment: 3,
  /** An ICMP error: the key is the quoted packet's flow, which it never creates. */
  icmpError: 4,
} as const;

export class FlowKey {
  /** The packet went out through the CLAT (46), rather than in (64). */
  outbound = false;
  /** The IPv4 header's Protocol (the quoted packet's, for an ICMP error). */
  protocol = 0;
  /** The host's side's address (int32): 192.0.0.1. */
  local = 0;
  localPort = 0;
  /** The far side's address (int32). */
  remote = 0;
  remotePort = 0;
  /** The five above hashed (int32), what the flow store's index is keyed by. */
  hash = 0;
  /** The IPv4 packet's bytes: what the flow counts. */
  packetBytes = 0;
  /** The TCP control bits, or -1 (not TCP, a later fragment or an ICMP error, or too short to have them). */
  tcpFlags = -1;
  /** A fragment's Identification: with its Source, Destination and Protocol what fragment-memo.ts keys on. */
  identification = 0;
  /** Where the IPv6 twin's header starts: in the output's buffer for 46, in the input for 64. */
  v6At = 0;

  /** A fragment's Source Address (int32), as its IPv4 header has it. */
  get source(): number {
    return this.outbound ? this.local : this.remote;
  }

  get destination(): number {
    return this.outbound ? this.remote : this.local;
  }

  /**
   * Re-points the key at one packet the packet loop handled (PacketObserver's arguments). Only
   * translations between the two families have flows: direction 46 takes the key from the IPv4
   * input and the twin from the IPv6 output, 64 the key from the IPv4 output (addresses and ports
   * reversed) and the twin from the IPv6 input. Returns a `flowKeyKind`; the fields are the
   * packet's only when it is not `none`.
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
    let proto = ipv4Header.protocol(v4, at);
    const src = ipv4Header.sourceInt32(v4, at);
    const dst = ipv4Header.destinationInt32(v4, at);
    this.outbound = outbound;
    this.packetBytes = end - at;
    let local = outbound ? src : dst;
    let remote = outbound ? dst : src;
    let tcpFlags = -1;
    let localPort = 0;
    let remotePort = 0;
    let kind: number = flowKeyKind.packet;
    if (ipv4Header.isFragment(v4, at)) {
      this.identification = ipv4Header.identification(v4, at);
      kind = ipv4Header.fragmentOffset(v4, at) === 0 ? flowKeyKind.firstFragment : flowKeyKind.laterFragment;
    }
    if (kind !== flowKeyKind.laterFragment) {
      const l4 = at + ipv4Header.headerLength(v4, at);
      const l4Bytes = at + packetLength - l4;
      if (proto === protocol.tcp || proto === protocol.udp) {
        if (l4Bytes >= transportHeader.portsBytes) {
          const sourcePort = transportHeader.sourcePort(v4, l4);
          const destinationPort = transportHeader.destinationPort(v4, l4);
          localPort = outbound ? sourcePort : destinationPort;
          remotePort = outbound ? destinationPort : sourcePort;
        }
        if (proto === protocol.tcp && l4Bytes >= transportHeader.tcpControlBitsBytes) tcpFlags = transportHeader.tcpControlBits(v4, l4);
      } else if (proto === protocol.icmp && l4Bytes >= icmpHeaderBytes) {
        const type = icmpHeader.type(v4, l4);
        if (type === icmp4Type.echoRequest || type === icmp4Type.echoReply) {
          localPort = icmpHeader.identifier(v4, l4);
        } else if (isIcmp4Error(type)) {
          // The key is the quoted packet's, at b[quote, quoteEnd). Only its header is checked: a
          // quote is cut short, so its Total Length is the original's. It went the other way: for
          // an error going out (46) the quote came in to the host, its destination is local.
          const quote = icmpHeader.quoteAt(l4);
          const quoteEnd = at + packetLength;
          if (quoteEnd - quote < ipv4.minHeaderBytes || ipv4Header.version(v4, quote) !== 4) return flowKeyKind.none;
          const quoteIhl = ipv4Header.headerLength(v4, quote);
          if (quoteIhl < ipv4.minHeaderBytes || quote + quoteIhl > quoteEnd) return flowKeyKind.none;
          proto = ipv4Header.protocol(v4, quote);
          local = outbound ? ipv4Header.destinationInt32(v4, quote) : ipv4Header.sourceInt32(v4, quote);
          remote = outbound ? ipv4Header.sourceInt32(v4, quote) : ipv4Header.destinationInt32(v4, quote);
          kind = flowKeyKind.icmpError;
          const quoteL4 = quote + quoteIhl;
          if (ipv4Header.fragmentOffset(v4, quote) === 0) {
            if ((proto === protocol.tcp || proto === protocol.udp) && quoteL4 + transportHeader.portsBytes <= quoteEnd) {
              const sourcePort = transportHeader.sourcePort(v4, quoteL4);
              const destinationPort = transportHeader.destinationPort(v4, quoteL4);
              localPort = outbound ? destinationPort : sourcePort;
              remotePort = outbound ? sourcePort : destinationPort;
            } else if (proto === protocol.icmp && quoteL4 + icmpHeaderBytes <= quoteEnd) {
              const quotedType = icmpHeader.type(v4, quoteL4);
              if (quotedType === icmp4Type.echoRequest || quotedType === icmp4Type.echoReply) localPort = icmpHeader.identifier(v4, quoteL4);
            }
          }
        }
      }
    }
    this.protocol = proto;
    this.local = local;
    this.localPort = localPort;
    this.remote = remote;
    this.remotePort = remotePort;
    this.hash = hashWords(local, remote, (localPort << 16) | remotePort, proto);
    this.tcpFlags = tcpFlags;
    return kind;
  }
}

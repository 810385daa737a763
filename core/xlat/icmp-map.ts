// The ICMP ↔ ICMPv6 type and code tables of RFC 7915 §4.2 and §5.2, the Parameter Problem pointer
// maps (Figures 3 and 6), and the RFC 1191 plateaus for Fragmentation Needed without an MTU.

import {
  icmp4ParameterProblem as pp4,
  icmp4TimeExceeded as te4,
  icmp4Type as t4,
  icmp4Unreachable as u4,
  icmp6ParameterProblem as pp6,
  icmp6TimeExceeded as te6,
  icmp6Type as t6,
  icmp6Unreachable as u6,
} from '../wire/icmp.js';
import { ipv4 } from '../wire/ipv4.js';
import { ipv6 } from '../wire/ipv6.js';

/** Packs an ICMPv6 or ICMPv4 type and code; -1 means "silently drop". */
function pack(type: number, code: number): number {
  return (type << 8) | code;
}

const drop = -1;

/** ICMPv6 Parameter Problem, Unrecognized Next Header: what an ICMPv4 Protocol Unreachable becomes (RFC 7915 §4.2). */
export const nextHeaderProblem6 = pack(t6.parameterProblem, pp6.unrecognizedNextHeader);
/** ICMPv4 Parameter Problem, the pointer indicates the error (RFC 7915 §5.2). */
export const pointerProblem4 = pack(t4.parameterProblem, pp4.pointerIndicatesError);
/** ICMPv4 Fragmentation Needed (RFC 7915 §5.2: from an ICMPv6 Packet Too Big). */
export const fragmentationNeeded4 = pack(t4.destinationUnreachable, u4.fragmentationNeeded);

/** RFC 7915 §4.2: ICMPv4 type/code → ICMPv6 type/code (packed), or -1. */
export function icmp4to6(type: number, code: number): number {
  switch (type) {
    case t4.echoRequest: return pack(t6.echoRequest, 0); // code 0
    case t4.echoReply: return pack(t6.echoReply, 0);
    case t4.destinationUnreachable:
      switch (code) {
        case u4.networkUnreachable: case u4.hostUnreachable: case u4.sourceRouteFailed:
        case u4.destinationNetworkUnknown: case u4.destinationHostUnknown: case u4.sourceHostIsolated:
        case u4.networkUnreachableForTos: case u4.hostUnreachableForTos:
          return pack(t6.destinationUnreachable, u6.noRoute);
        case u4.protocolUnreachable: return pack(t6.parameterProblem, pp6.unrecognizedNextHeader);
        case u4.portUnreachable: return pack(t6.destinationUnreachable, u6.portUnreachable);
        case u4.fragmentationNeeded: return pack(t6.packetTooBig, 0);
        case u4.networkProhibited: case u4.hostProhibited: case u4.communicationProhibited: case u4.precedenceCutoff:
          return pack(t6.destinationUnreachable, u6.adminProhibited);
        default: return drop; // host precedence violation and unknown codes
      }
    case t4.timeExceeded: // code unchanged
      return code === te4.ttlExceeded || code === te4.reassemblyTimeExceeded ? pack(t6.timeExceeded, code) : drop;
    case t4.parameterProblem: // the pointer and a bad length → erroneous header field
      return code === pp4.pointerIndicatesError || code === pp4.badLength ? pack(t6.parameterProblem, pp6.erroneousHeaderField) : drop;
    default:
      return drop; // Information, Timestamp, Address Mask, Router Advertisement/Solicitation,
    // Source Quench, Redirect, Alternative Host Address and unknown types: single hop or obsolete.
  }
}

/** RFC 7915 §5.2: ICMPv6 type/code → ICMPv4 type/code (packed), or -1. */
export function icmp6to4(type: number, code: number): number {
  switch (type) {
    case t6.echoRequest: return pack(t4.echoRequest, 0);
    case t6.echoReply: return pack(t4.echoReply, 0);
    case t6.destinationUnreachable:
      switch (code) {
        case u6.noRoute: case u6.beyondScope: case u6.addressUnreachable:
          return pack(t4.destinationUnreachable, u4.hostUnreachable);
        case u6.adminProhibited: return pack(t4.destinationUnreachable, u4.hostProhibited);
        case u6.portUnreachable: return pack(t4.destinationUnreachable, u4.portUnreachable);
        default: return drop;
      }
    case t6.packetTooBig: return pack(t4.destinationUnreachable, u4.fragmentationNeeded);
    case t6.timeExceeded:
      return code === te6.hopLimitExceeded || code === te6.reassemblyTimeExceeded ? pack(t4.timeExceeded, code) : drop;
    case t6.parameterProblem:
      if (code === pp6.erroneousHeaderField) return pack(t4.parameterProblem, pp4.pointerIndicatesError);
      if (code === pp6.unrecognizedNextHeader) return pack(t4.destinationUnreachable, u4.protocolUnreachable);
      return drop; // an unrecognized IPv6 option and other codes
    default:
      return drop; // MLD, Neighbor Discovery and unknown informational types
  }
}

// RFC 7915 Figure 3: IPv4 header byte → IPv6 header byte; -1: no counterpart (drop).
const pointer4to6Table = Int8Array.of(0, 1, 4, 4, -1, -1, -1, -1, 7, 6, -1, -1, 8, 8, 8, 8, 24, 24, 24, 24);

export function mapPointer4to6(pointer: number): number {
  return pointer < pointer4to6Table.length ? pointer4to6Table[pointer] : -1;
}

/** RFC 7915 Figure 6: IPv6 header byte → IPv4 header byte; -1: no counterpart (drop). */
export function mapPointer6to4(pointer: number): number {
  if (pointer <= 1) return pointer; // Version/Traffic Class
  if (pointer < ipv6.payloadLen) return -1; // Flow Label
  if (pointer < ipv6.nextHeader) return ipv4.totalLen; // Payload Length → Total Length
  if (pointer === ipv6.nextHeader) return ipv4.protocol; // Next Header → Protocol
  if (pointer === ipv6.hopLimit) return ipv4.ttl; // Hop Limit → TTL
  if (pointer < ipv6.dst) return ipv4.src; // Source Address
  if (pointer < ipv6.headerBytes) return ipv4.dst; // Destination Address
  return -1;
}

const plateaus = [65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68];

/** RFC 1191 §7: the greatest plateau below the Total Length of the packet that was too big. */
export function plateauBelow(totalLength: number): number {
  for (const plateau of plateaus) if (plateau < totalLength) return plateau;
  return 68;
}

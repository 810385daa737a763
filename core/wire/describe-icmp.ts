// Names of ICMP (RFC 792 and successors) and ICMPv6 (RFC 4443, RFC 4861, RFC 3810) messages, worded
// as tcpdump words them so a trace reads like the tool people already know. The second word of the
// header (identifier and sequence, MTU, pointer) goes into the name where it says something.

import { formatIpv4, formatIpv6 } from './address.js';
import { read16, read32 } from './bytes.js';
import {
  icmp4ParameterProblem as pp4,
  icmp4TimeExceeded as te4,
  icmp4Type as t4,
  icmp4Unreachable as u4,
  icmp6ParameterProblem as pp6,
  icmp6TimeExceeded as te6,
  icmp6Type as t6,
  icmp6Unreachable as u6,
} from './icmp.js';

const unreachable4: Record<number, string> = {
  [u4.networkUnreachable]: 'net unreachable',
  [u4.hostUnreachable]: 'host unreachable',
  [u4.protocolUnreachable]: 'protocol unreachable',
  [u4.portUnreachable]: 'port unreachable',
  [u4.sourceRouteFailed]: 'source route failed',
  [u4.destinationNetworkUnknown]: 'net unknown',
  [u4.destinationHostUnknown]: 'host unknown',
  [u4.sourceHostIsolated]: 'source host isolated',
  [u4.networkProhibited]: 'net prohibited',
  [u4.hostProhibited]: 'host prohibited',
  [u4.networkUnreachableForTos]: 'net unreachable for tos',
  [u4.hostUnreachableForTos]: 'host unreachable for tos',
  [u4.communicationProhibited]: 'admin prohibited filter',
  [u4.hostPrecedenceViolation]: 'host precedence violation',
  [u4.precedenceCutoff]: 'precedence cutoff',
};

const informational4: Record<number, string> = {
  [t4.sourceQuench]: 'source quench',
  [t4.routerAdvertisement]: 'router advertisement',
  [t4.routerSolicitation]: 'router solicitation',
  [t4.timestamp]: 'time stamp request',
  [t4.timestampReply]: 'time stamp reply',
  [t4.informationRequest]: 'information request',
  [t4.informationReply]: 'information reply',
  [t4.addressMaskRequest]: 'address mask request',
  [t4.addressMaskReply]: 'address mask reply',
};

const unreachable6: Record<number, string> = {
  [u6.noRoute]: 'unreachable route',
  [u6.adminProhibited]: 'unreachable prohibited',
  [u6.beyondScope]: 'beyond scope',
  [u6.addressUnreachable]: 'unreachable address',
  [u6.portUnreachable]: 'unreachable port',
  [u6.sourcePolicyFailed]: 'source address failed policy',
  [u6.rejectRoute]: 'reject route',
};

const parameterProblem6: Record<number, string> = {
  [pp6.erroneousHeaderField]: 'erroneous header field',
  [pp6.unrecognizedNextHeader]: 'unrecognized next header',
  [pp6.unrecognizedOption]: 'unrecognized option',
};

const informational6: Record<number, string> = {
  [t6.multicastListenerQuery]: 'multicast listener query',
  [t6.multicastListenerReport]: 'multicast listener report',
  [t6.multicastListenerDone]: 'multicast listener done',
  [t6.routerSolicitation]: 'router solicitation',
  [t6.routerAdvertisement]: 'router advertisement',
  [t6.neighborSolicitation]: 'neighbor solicitation',
  [t6.neighborAdvertisement]: 'neighbor advertisement',
  [t6.redirect]: 'redirect',
  [t6.multicastListenerReportV2]: 'multicast listener report v2',
};

/**
 * The message at `b[at, end)` (type and code at least, the second word if there) as words, e.g.
 * "echo request, id 7, seq 1" or "time exceeded in-transit".
 */
export function icmp4Name(b: Uint8Array, at: number, end: number): string {
  const type = b[at];
  const code = b[at + 1];
  const hasWord = end - at >= 8;
  switch (type) {
    case t4.echoReply:
    case t4.echoRequest:
      return `echo ${type === t4.echoRequest ? 'request' : 'reply'}${hasWord ? `, id ${read16(b, at + 4)}, seq ${read16(b, at + 6)}` : ''}`;
    case t4.destinationUnreachable:
      if (code === u4.fragmentationNeeded) return `unreachable - need to frag${hasWord ? ` (mtu ${read16(b, at + 6)})` : ''}`;
      return unreachable4[code] ?? `unreachable code ${code}`;
    case t4.redirect:
      return `redirect${hasWord ? ` to ${formatIpv4(read32(b, at + 4))}` : ''}`;
    case t4.timeExceeded:
      return code === te4.ttlExceeded ? 'time exceeded in-transit' : code === te4.reassemblyTimeExceeded ? 'ip reassembly time exceeded' : `time exceeded code ${code}`;
    case t4.parameterProblem:
      return `parameter problem${hasWord && code === pp4.pointerIndicatesError ? ` - octet ${b[at + 4]}` : code !== pp4.pointerIndicatesError ? ` code ${code}` : ''}`;
    default:
      return informational4[type] ?? `type-#${type}`;
  }
}

/** As `icmp4Name`, for ICMPv6, e.g. "echo request, id 7, seq 1" or "packet too big, mtu 1280". */
export function icmp6Name(b: Uint8Array, at: number, end: number): string {
  const type = b[at];
  const code = b[at + 1];
  const hasWord = end - at >= 8;
  switch (type) {
    case t6.destinationUnreachable:
      return `destination unreachable, ${unreachable6[code] ?? `code ${code}`}`;
    case t6.packetTooBig:
      return `packet too big${hasWord ? `, mtu ${read32(b, at + 4)}` : ''}`;
    case t6.timeExceeded:
      return code === te6.hopLimitExceeded ? 'time exceeded in-transit' : code === te6.reassemblyTimeExceeded ? 'reassembly time exceeded' : `time exceeded code ${code}`;
    case t6.parameterProblem:
      return `parameter problem, ${parameterProblem6[code] ?? `code ${code}`}${hasWord ? `, pointer ${read32(b, at + 4)}` : ''}`;
    case t6.echoRequest:
    case t6.echoReply:
      return `echo ${type === t6.echoRequest ? 'request' : 'reply'}${hasWord ? `, id ${read16(b, at + 4)}, seq ${read16(b, at + 6)}` : ''}`;
    case t6.neighborSolicitation:
      return `neighbor solicitation${end - at >= 24 ? `, who has ${formatIpv6(b, at + 8)}` : ''}`;
    case t6.neighborAdvertisement:
      return `neighbor advertisement${end - at >= 24 ? `, tgt is ${formatIpv6(b, at + 8)}` : ''}`;
    default:
      return informational6[type] ?? `type ${type}`;
  }
}

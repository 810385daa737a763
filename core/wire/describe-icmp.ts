// Names of ICMP (RFC 792 and successors) and ICMPv6 (RFC 4443, RFC 4861, RFC 3810) messages, worded
// as tcpdump words them so a trace reads like the tool people already know. The second word of the
// header (identifier and sequence, MTU, pointer) goes into the name where it says something.

import { formatIpv4, formatIpv6 } from './address.js';
import { read16, read32 } from './checksum.js';

const unreachable4: Record<number, string> = {
  0: 'net unreachable',
  1: 'host unreachable',
  2: 'protocol unreachable',
  3: 'port unreachable',
  5: 'source route failed',
  6: 'net unknown',
  7: 'host unknown',
  8: 'source host isolated',
  9: 'net prohibited',
  10: 'host prohibited',
  11: 'net unreachable for tos',
  12: 'host unreachable for tos',
  13: 'admin prohibited filter',
  14: 'host precedence violation',
  15: 'precedence cutoff',
};

const informational4: Record<number, string> = {
  4: 'source quench',
  9: 'router advertisement',
  10: 'router solicitation',
  13: 'time stamp request',
  14: 'time stamp reply',
  15: 'information request',
  16: 'information reply',
  17: 'address mask request',
  18: 'address mask reply',
};

const unreachable6: Record<number, string> = {
  0: 'unreachable route',
  1: 'unreachable prohibited',
  2: 'beyond scope',
  3: 'unreachable address',
  4: 'unreachable port',
  5: 'source address failed policy',
  6: 'reject route',
};

const parameterProblem6: Record<number, string> = {
  0: 'erroneous header field',
  1: 'unrecognized next header',
  2: 'unrecognized option',
};

const informational6: Record<number, string> = {
  130: 'multicast listener query',
  131: 'multicast listener report',
  132: 'multicast listener done',
  133: 'router solicitation',
  134: 'router advertisement',
  135: 'neighbor solicitation',
  136: 'neighbor advertisement',
  137: 'redirect',
  143: 'multicast listener report v2',
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
    case 0:
    case 8:
      return `echo ${type === 8 ? 'request' : 'reply'}${hasWord ? `, id ${read16(b, at + 4)}, seq ${read16(b, at + 6)}` : ''}`;
    case 3:
      if (code === 4) return `unreachable - need to frag${hasWord ? ` (mtu ${read16(b, at + 6)})` : ''}`;
      return unreachable4[code] ?? `unreachable code ${code}`;
    case 5:
      return `redirect${hasWord ? ` to ${formatIpv4(read32(b, at + 4))}` : ''}`;
    case 11:
      return code === 0 ? 'time exceeded in-transit' : code === 1 ? 'ip reassembly time exceeded' : `time exceeded code ${code}`;
    case 12:
      return `parameter problem${hasWord && code === 0 ? ` - octet ${b[at + 4]}` : code !== 0 ? ` code ${code}` : ''}`;
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
    case 1:
      return `destination unreachable, ${unreachable6[code] ?? `code ${code}`}`;
    case 2:
      return `packet too big${hasWord ? `, mtu ${read32(b, at + 4)}` : ''}`;
    case 3:
      return code === 0 ? 'time exceeded in-transit' : code === 1 ? 'reassembly time exceeded' : `time exceeded code ${code}`;
    case 4:
      return `parameter problem, ${parameterProblem6[code] ?? `code ${code}`}${hasWord ? `, pointer ${read32(b, at + 4)}` : ''}`;
    case 128:
    case 129:
      return `echo ${type === 128 ? 'request' : 'reply'}${hasWord ? `, id ${read16(b, at + 4)}, seq ${read16(b, at + 6)}` : ''}`;
    case 135:
      return `neighbor solicitation${end - at >= 24 ? `, who has ${formatIpv6(b, at + 8)}` : ''}`;
    case 136:
      return `neighbor advertisement${end - at >= 24 ? `, tgt is ${formatIpv6(b, at + 8)}` : ''}`;
    default:
      return informational6[type] ?? `type ${type}`;
  }
}

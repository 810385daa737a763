// One line per packet, the way tcpdump prints it, from however many of the packet's first bytes
// were kept: `192.0.0.1.51514 > 203.0.113.10.80: Flags [S], seq 7, win 65535, length 0`. Lengths
// come from the headers, so a packet cut to its first 128 bytes still reads as the packet it was;
// where a header itself is cut, the line ends in tcpdump's `[|tcp]` marker. ICMP errors quote the
// packet they carry in brackets. Junk gives a line too: nothing here throws.
//
// Used by `clatter trace`, the UI (in the browser: this file is standard-only) and the pcapng
// export's comments. Not for the packet path: it builds strings.

import { formatIpv4, formatIpv6 } from './address.js';
import { read16, read32 } from './bytes.js';
import { icmp4Name, icmp6Name } from './describe-icmp.js';
import { isIcmp4Error, isIcmp6Error } from './icmp.js';
import { protocol } from './protocol.js';
import { PacketLayers } from './packet-layers.js';

/** tcpdump's letters for the TCP flags, in its order: FIN SYN RST PSH ACK URG ECE CWR. */
const tcpFlagLetters: readonly [number, string][] = [
  [0x01, 'F'],
  [0x02, 'S'],
  [0x04, 'R'],
  [0x08, 'P'],
  [0x10, '.'],
  [0x20, 'U'],
  [0x40, 'E'],
  [0x80, 'W'],
];
const tcpSynFinRst = 0x07;
const tcpAck = 0x10;

/** The packet `bytes` (an IPv4 or IPv6 packet, or its first bytes) as one line. */
export function describePacket(bytes: Uint8Array): string {
  return describeAt(bytes, 0, bytes.length, false);
}

/** @param quoted the packet is the one an ICMP error carries: errors inside are not opened again. */
function describeAt(b: Uint8Array, start: number, end: number, quoted: boolean): string {
  if (end <= start) return 'empty packet';
  const layers = new PacketLayers();
  layers.locate(b, start, end);
  const { version } = layers;
  const kept = end - start;
  if (version === 0) return `not IP (version ${b[start] >> 4}), length ${kept}`;
  if (version === 4 && kept < 20) return `IP [|ip] (${kept} bytes)`;
  if (version === 6 && kept < 40) return `IP6 [|ip6] (${kept} bytes)`;
  const src = version === 4 ? formatIpv4(read32(b, start + 12)) : formatIpv6(b, start + 8);
  const dst = version === 4 ? formatIpv4(read32(b, start + 16)) : formatIpv6(b, start + 24);
  if (version === 4 && layers.ipHeaderBytes < 20) return `${src} > ${dst}: bad IP header length ${layers.ipHeaderBytes}`;
  if (!layers.hasIpHeader) return `${src} > ${dst}: [|ip]`;
  const fragment = layers.isFragment
    ? ` (frag ${layers.fragmentId}:${layers.fragmentBytes}@${layers.fragmentOffsetBytes}${layers.moreFragments ? '+' : ''})`
    : '';
  return describeUpper(b, layers, start, end, src, dst, quoted) + fragment;
}

function describeUpper(b: Uint8Array, layers: PacketLayers, start: number, end: number, src: string, dst: string, quoted: boolean): string {
  const proto = layers.protocol;
  const at = layers.transportAt;
  if (proto < 0) return `${src} > ${dst}: [|ip6 extension headers]`;
  if (at < 0) return `${src} > ${dst}: ${protocolName(proto)}${layers.fragmentOffsetBytes > 0 ? '' : ` [|${protocolName(proto)}]`}`;
  const kept = end - at;
  /** Bytes of the upper layer by the IP header, not by what was kept. */
  const upperBytes = Math.max(0, start + layers.totalBytes - at);
  switch (proto) {
    case protocol.tcp:
      return describeTcp(b, at, kept, upperBytes, src, dst);
    case protocol.udp:
      return describeUdp(b, at, kept, src, dst);
    case protocol.icmp:
    case protocol.icmpv6: {
      const v6 = proto === protocol.icmpv6;
      const label = v6 ? 'ICMP6,' : 'ICMP';
      if (kept < 2) return `${src} > ${dst}: ${label} [|${protocolName(proto)}]`;
      const name = v6 ? icmp6Name(b, at, end) : icmp4Name(b, at, end);
      let text = `${src} > ${dst}: ${label} ${name}, length ${upperBytes}`;
      if (kept < 8) return `${text} [|${protocolName(proto)}]`;
      const isError = v6 ? isIcmp6Error(b[at]) : isIcmp4Error(b[at]);
      if (isError && !quoted && kept > 8) text += ` [${describeAt(b, at + 8, end, true)}]`;
      return text;
    }
    case protocol.noNextHeader:
      return `${src} > ${dst}: no next header`;
    default:
      return `${src} > ${dst}: ${protocolName(proto)}, length ${upperBytes}`;
  }
}

function describeTcp(b: Uint8Array, at: number, kept: number, upperBytes: number, src: string, dst: string): string {
  if (kept < 4) return `${src} > ${dst}: tcp [|tcp]`;
  const ends = `${src}.${read16(b, at)} > ${dst}.${read16(b, at + 2)}`;
  if (kept < 14) return `${ends}: tcp [|tcp]`;
  const flags = b[at + 13];
  const length = Math.max(0, upperBytes - (b[at + 12] >> 4) * 4);
  const seq = read32(b, at + 4);
  const parts = [`Flags [${tcpFlags(flags)}]`];
  if (length > 0) parts.push(`seq ${seq}:${(seq + length) >>> 0}`);
  else if ((flags & tcpSynFinRst) !== 0) parts.push(`seq ${seq}`);
  if ((flags & tcpAck) !== 0) parts.push(`ack ${read32(b, at + 8)}`);
  if (kept >= 16) parts.push(`win ${read16(b, at + 14)}`);
  parts.push(`length ${length}`);
  return `${ends}: ${parts.join(', ')}`;
}

function describeUdp(b: Uint8Array, at: number, kept: number, src: string, dst: string): string {
  if (kept < 4) return `${src} > ${dst}: udp [|udp]`;
  const ends = `${src}.${read16(b, at)} > ${dst}.${read16(b, at + 2)}`;
  if (kept < 6) return `${ends}: UDP [|udp]`;
  const udpLength = read16(b, at + 4);
  return udpLength < 8 ? `${ends}: UDP, bad length ${udpLength}` : `${ends}: UDP, length ${udpLength - 8}`;
}

function tcpFlags(flags: number): string {
  let text = '';
  for (const [bit, letter] of tcpFlagLetters) if ((flags & bit) !== 0) text += letter;
  return text === '' ? 'none' : text;
}

/** Lower-case protocol names as tcpdump prints them after a later fragment. */
function protocolName(proto: number): string {
  if (proto === protocol.tcp) return 'tcp';
  if (proto === protocol.udp) return 'udp';
  if (proto === protocol.icmp) return 'icmp';
  if (proto === protocol.icmpv6) return 'icmp6';
  return `ip-proto-${proto}`;
}

/** What `formatTracePair` needs of a packet of a trace pair (core/observe/trace-pair.ts has it). */
export interface DescribedPacket {
  /** The side it was seen on: 4 or 6. */
  readonly family: number;
  /** The packet's first bytes (all of it, when it was short enough). */
  readonly bytes: Uint8Array;
}

/** What `formatTracePair` needs of a trace pair (core/observe/trace-pair.ts's `TracePair` is one). */
export interface DescribedPair {
  readonly id: number;
  /** The translator's verdict name: `translated`, or why the input was dropped. */
  readonly verdict: string;
  /** The output is an ICMP error the translator generated for the dropped input. */
  readonly generated: boolean;
  /** How many packets the translation wrote (fragments); the pair keeps the first. */
  readonly outputCount: number;
  readonly input: DescribedPacket;
  /** Null when the input was dropped without a reply. */
  readonly output: DescribedPacket | null;
}

/**
 * The lines of `clatter trace` for one pair, input first, linked by the pair's number:
 *   #1234 v4 192.0.0.1.51514 > 203.0.113.10.80: Flags [S], seq 7, win 65535, length 0
 *   #1234 v6 2001:db8:1:2::c1a7.51514 > 2001:db8:64::cb00:710a.80: Flags [S], seq 7, win 65535, length 0
 */
export function formatTracePair(pair: DescribedPair): string[] {
  const dropped = pair.verdict === 'translated' ? '' : ` (dropped: ${pair.verdict})`;
  const lines = [`#${pair.id} ${sideLabel(pair.input.family)} ${describePacket(pair.input.bytes)}${dropped}`];
  if (pair.output !== null) {
    let note = '';
    if (pair.generated) note = ' (ICMP error from the translator)';
    else if (pair.outputCount > 1) note = ` (1 of ${pair.outputCount} packets)`;
    lines.push(`#${pair.id} ${sideLabel(pair.output.family)} ${describePacket(pair.output.bytes)}${note}`);
  }
  return lines;
}

function sideLabel(family: number): string {
  return family === 4 || family === 6 ? `v${family}` : 'v?';
}

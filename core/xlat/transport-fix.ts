// What the transport fix-ups of both directions (transport-46.ts, transport-64.ts) share: the
// outcomes they report to the caller, which alone knows whether the packet is the outer one (and
// is refused) or a quote in an ICMP error (and is carried as it is), the UDP checksum rule, and
// the note of a checksum that followed the new addresses.

import { sumWords } from '../wire/checksum.js';
import * as ipv6Header from '../wire/ipv6-header.js';
import type { FieldSpec } from './explain-fields.js';
import type { XlatRecorder } from './recorder.js';
import { Verdict } from './verdict.js';
import type { PacketLayer, Xlation } from './xlation.js';

/** What a transport fix-up (transport-46.ts, transport-64.ts) did with an upper-layer header. */
export const TransportFix = {
  /** Translated (or a protocol with nothing to fix). */
  fixed: 0,
  /** Too few bytes for the header: left as it is. */
  tooShort: 1,
  /** A UDP checksum of zero: left as it is, for the caller's rule. */
  zeroUdpChecksum: 2,
  /** An ICMP type with no counterpart: left as it is. */
  untranslatableIcmp: 3,
} as const;

/**
 * The outer packet's verdict when its fix-up reported `tooShort` or `untranslatableIcmp`: refused,
 * at the length field of its IP header (`lengthField`) or at its ICMP type (`typeField`).
 */
export function refuseUnfixed(x: Xlation, fix: number, lengthField: FieldSpec, typeField: FieldSpec): number {
  const rec = x.rec;
  const outer = x.outer;
  if (fix === TransportFix.tooShort) {
    if (rec !== null) rec.refuse(Verdict.transportTruncated, outer.inIp, lengthField, 0);
    return Verdict.transportTruncated;
  }
  if (rec !== null) rec.refuse(Verdict.icmpUntranslatableType, outer.inL4, typeField, 0);
  return Verdict.icmpUntranslatableType;
}

/** The pseudo-header sum of the source and destination of the IPv6 header at `ip` (RFC 8200 §8.1). */
export function addressSum6(b: Uint8Array, ip: number): number {
  const source = ipv6Header.sourceAt(ip);
  return sumWords(b, source, source + 32); // source and destination, side by side
}

/** The pseudo-header sum of an IPv4 address (RFC 768, RFC 793 §3.1): its two 16-bit words. */
export function addressSum4(v4: number): number {
  return (v4 >>> 16) + (v4 & 0xffff);
}

const outerChecksumRule = '{from} → {to}: updated for the new pseudo-header addresses, not re-summed';
const quotedChecksumRule = '{from} → {to}: the quoted packet\'s checksum follows its new addresses (it covers the whole original packet)';

/** A TCP or UDP checksum a fix-up updated for `layer`'s new addresses; `cites` for the outer packet and for a quote. */
export function noteChecksumUpdate(rec: XlatRecorder, layer: PacketLayer, field: FieldSpec, outerCite: string, quotedCite: string): void {
  const depth = layer.depth;
  const rule = depth === 0 ? outerChecksumRule : quotedChecksumRule;
  rec.field('updated', layer.inL4, field, depth, layer.outL4, field, depth, rule, depth === 0 ? outerCite : quotedCite);
}

/** RFC 768: a UDP checksum that comes out as zero is sent as all ones, since zero means "none". */
export function udpChecksumToSend(checksum: number): number {
  return checksum === 0 ? 0xffff : checksum;
}

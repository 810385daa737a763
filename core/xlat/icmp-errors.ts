// ICMP errors the translator itself sends back to the source of a packet it cannot forward
// (RFC 7915 §4.4 and §5.4, and the router duties of §4.1/§5.1: Time Exceeded, Fragmentation
// Needed, Packet Too Big). The error carries as much of the offending packet as fits in 576
// bytes (ICMPv4, RFC 1812 §4.3.2.3) or 1280 bytes (ICMPv6, RFC 4443 §2.4 (c)).

import { finishChecksum, sumWords } from '../wire/checksum.js';
import { write16, write32 } from '../wire/bytes.js';
import { fillIpv4HeaderChecksum } from '../wire/ipv4.js';
import * as ipv4Header from '../wire/ipv4-header.js';
import * as ipv6Header from '../wire/ipv6-header.js';
import { isIcmp4Error, isIcmp6Error } from '../wire/icmp.js';
import * as icmpHeader from '../wire/icmp-header.js';
import { protocol } from '../wire/protocol.js';
import { copyBytes } from './copy-bytes.js';
import type { XlatOutput } from './output.js';
import type { Xlation } from './xlation.js';

export const icmp4ErrorMaxBytes = 576;
export const icmp6ErrorMaxBytes = 1280;
const generatedHopLimit = 64;

/** Where the next output packet starts: after the previous one and its own headroom. */
export function nextOutputStart(out: XlatOutput): number {
  if (out.count === 0) return out.baseOffset + out.headroomBytes;
  const last = out.count - 1;
  return out.start[last] + out.length[last] + out.headroomBytes;
}

export function recordOutput(out: XlatOutput, start: number, length: number, family: number, generated: number): void {
  const i = out.count++;
  out.start[i] = start;
  out.length[i] = length;
  out.family[i] = family;
  out.generated[i] = generated;
}

/**
 * RFC 1812 §4.3.2.7: no error about an ICMP error, a non-initial fragment, or a packet from or to
 * an address that is not a single host.
 */
function mayAnswer4(b: Uint8Array, s: number, ihl: number, totalLen: number): boolean {
  if (ipv4Header.fragmentOffset(b, s) !== 0) return false;
  if (ipv4Header.protocol(b, s) === protocol.icmp && totalLen > ihl && isIcmp4Error(icmpHeader.type(b, s + ihl))) return false;
  const src = ipv4Header.source(b, s);
  const dst = ipv4Header.destination(b, s);
  const srcTop = src >>> 24;
  if (srcTop === 0 || srcTop === 127 || srcTop >= 224) return false;
  if (dst >>> 28 === 0xe || dst === 0xffffffff) return false;
  return true;
}

/**
 * Sends an ICMPv4 error about the IPv4 packet of the translation `x` back to its source.
 * `rest` is the second word of the ICMP header (MTU for Fragmentation Needed, pointer for
 * Parameter Problem). Returns false when the rules forbid an answer.
 */
export function sendIcmp4Error(x: Xlation, type: number, code: number, rest: number): boolean {
  const b = x.b;
  const s = x.outer.inIp;
  const totalLen = x.packetBytes;
  const ihl = ipv4Header.headerLength(b, s);
  if (!mayAnswer4(b, s, ihl, totalLen)) return false;
  const out = x.out;
  const o = out.buffer;
  const p = nextOutputStart(out);
  const quoted = Math.min(totalLen, icmp4ErrorMaxBytes - 28);
  const length = 28 + quoted;
  if (p + length > o.length) return false;
  o[p] = 0x45;
  o[p + 1] = 0;
  write16(o, p + 2, length);
  write32(o, p + 4, 0); // identification 0, no flags: an atomic datagram (RFC 6864)
  o[p + 8] = generatedHopLimit;
  o[p + 9] = protocol.icmp;
  write32(o, p + 12, x.ctx.config.selfIpv4);
  write32(o, p + 16, ipv4Header.source(b, s));
  fillIpv4HeaderChecksum(o, p, 20);
  o[p + 20] = type;
  o[p + 21] = code;
  write16(o, p + 22, 0);
  write32(o, p + 24, rest);
  copyBytes(b, s, o, p + 28, quoted);
  write16(o, p + 22, finishChecksum(sumWords(o, p + 20, p + length)));
  const rec = x.rec;
  if (rec !== null) {
    rec.beginGenerated();
    rec.generatedIcmp4(p, s, quoted);
    rec.endGenerated();
  }
  recordOutput(out, p, length, 4, 1);
  return true;
}

function mayAnswer6(b: Uint8Array, s: number, l4: number, proto: number, n: number): boolean {
  const source = ipv6Header.sourceAt(s);
  if (b[source] === 0xff) return false; // multicast source
  if (b[ipv6Header.destinationAt(s)] === 0xff) return false; // multicast destination (RFC 4443 §2.4 (e))
  let unspecified = true;
  for (let i = 0; i < 16; i++) if (b[source + i] !== 0) unspecified = false;
  if (unspecified) return false;
  // `l4` is an offset in `b` (as `s` is), not relative to `s`.
  if (proto === protocol.icmpv6 && l4 < s + n && isIcmp6Error(icmpHeader.type(b, l4))) return false;
  return true;
}

/**
 * Sends an ICMPv6 error about the IPv6 packet of the translation `x` back to its source. Its
 * `outer.inL4` and `outer.proto` locate the upper-layer header (to avoid answering an ICMPv6
 * error). Returns false when forbidden.
 */
export function sendIcmp6Error(x: Xlation, type: number, code: number, rest: number): boolean {
  const b = x.b;
  const outer = x.outer;
  const s = outer.inIp;
  const n = x.packetBytes;
  if (!mayAnswer6(b, s, outer.inL4, outer.proto, n)) return false;
  const out = x.out;
  const o = out.buffer;
  const selfIpv6 = x.ctx.config.selfIpv6;
  const p = nextOutputStart(out);
  const quoted = Math.min(n, icmp6ErrorMaxBytes - 48);
  const length = 48 + quoted;
  if (p + length > o.length) return false;
  write32(o, p, 0x60000000);
  write16(o, p + 4, length - 40);
  o[p + 6] = protocol.icmpv6;
  o[p + 7] = generatedHopLimit;
  for (let i = 0; i < 16; i++) o[p + 8 + i] = selfIpv6[i];
  copyBytes(b, ipv6Header.sourceAt(s), o, p + 24, 16); // back to the source
  o[p + 40] = type;
  o[p + 41] = code;
  write16(o, p + 42, 0);
  write32(o, p + 44, rest);
  copyBytes(b, s, o, p + 48, quoted);
  // Pseudo-header (RFC 8200 §8.1): addresses, upper-layer length, next header.
  let sum = sumWords(o, p + 8, p + 40);
  sum += length - 40 + protocol.icmpv6;
  write16(o, p + 42, finishChecksum(sumWords(o, p + 40, p + length, sum)));
  const rec = x.rec;
  if (rec !== null) {
    rec.beginGenerated();
    rec.generatedIcmp6(p, s, quoted);
    rec.endGenerated();
  }
  recordOutput(out, p, length, 6, 1);
  return true;
}

// RFC 7915 §5: IPv6 → IPv4. The steps, in order:
//   1. validate the IPv6 header and walk the extension headers (§5.1): Hop-by-Hop, Destination
//      Options and Routing (segments left 0) are skipped, a Fragment header is remembered,
//      anything after a Fragment header or a Routing header with segments left is refused;
//   2. map the destination, decrement the hop limit (Time Exceeded on expiry), map the source
//      (RFC 6791 fallback for ICMPv6 errors);
//   3. Packet Too Big when the IPv4 packet will not fit the IPv4 MTU;
//   4. copy the payload and fix the transport header in the copy;
//   5. write the IPv4 header: DF by size (§5.1), Identification from the Fragment header.
// ICMPv6 errors take their own path: their embedded packet is translated too (§5.3).
// A destination that maps into the EAMT lies back on the IPv6 side: RFC 7757 §4 hairpinning.
// The state of one translation is the XlatContext's `xlation64` (xlation.ts); the transport
// fix-up of step 4 is transport-64.ts, shared by the outer packet and the quote in an ICMPv6 error.

import { checksumIsValid, finishChecksum, sumWords } from '../wire/checksum.js';
import { write16, write32 } from '../wire/bytes.js';
import { icmp4HasLengthField, icmp6HasLengthField, icmp6ParameterProblem, icmp6TimeExceeded, icmp6Type, icmp6Unreachable, isIcmp6Error } from '../wire/icmp.js';
import * as icmpHeader from '../wire/icmp-header.js';
import { fillIpv4HeaderChecksum } from '../wire/ipv4.js';
import * as ipv6Header from '../wire/ipv6-header.js';
import * as extensionHeader from '../wire/ipv6-extension-header.js';
import { protocol } from '../wire/protocol.js';
import { wkpNonGlobal } from './address-map.js';
import type { XlatContext } from './context.js';
import { copyBytes } from './copy-bytes.js';
import { icmp4ErrorMaxBytes, nextOutputStart, recordOutput, sendIcmp6Error } from './icmp-errors.js';
import { layOutQuote } from './icmp-extension.js';
import { icmp6to4, mapPointer6to4, pointerProblem4 } from './icmp-map.js';
import type { XlatOutput } from './output.js';
import { extensionField, fragmentField, icmpv6Field, ipv4Field, ipv6Field, udpField } from './explain-fields.js';
import type { AddressHow, XlatRecorder } from './recorder.js';
import { translate46 } from './translate-46.js';
import { fixTransport64 } from './transport-64.js';
import { addressSum6, refuseUnfixed, TransportFix } from './transport-fix.js';
import { Verdict } from './verdict.js';
import type { PacketLayer, Xlation } from './xlation.js';

// The header views are called through their imports here, not copied into module constants as in
// translate-46.ts: measured with bench:xlat --baseline, the constants left translate64 3–4 % slower
// (over 32 runs; through the imports: at par), most likely by changing what else TurboFan inlined
// into it (its inlining budget is nearly spent: walkHeaders, writeIpv4Header, map6to4 compete).

/** RFC 7915 §5.1: an IPv4 packet of at most 1260 bytes leaves with DF clear, a larger one with DF set. */
export const dfThresholdBytes = 1260;

/** The result of walking an extension header chain; reused, never allocated per packet. */
class HeaderChain {
  /** The upper-layer protocol and where its header starts. */
  proto = 0;
  l4 = 0;
  /** Offset of the Fragment header, or -1. */
  fragment = -1;
  /** A verdict other than `translated` when the chain is refused; `pointer` then locates the fault. */
  verdict = 0;
  pointer = 0;
}

function isExtensionToSkip(nextHeader: number): boolean {
  return nextHeader === protocol.hopByHop || nextHeader === protocol.destinationOptions || nextHeader === protocol.routing;
}

/**
 * Walks the extension headers of the IPv6 packet at `s`, up to `end` (exclusive). A refusal stops
 * the walk where the chain cannot be read further; a Routing header with segments left does not:
 * the walk goes on to the upper layer, which decides whether the refusal may be answered (no
 * ICMPv6 error about an ICMPv6 error, RFC 4443 §2.4 (e)).
 */
function walkHeaders(b: Uint8Array, s: number, end: number, chain: HeaderChain): void {
  let nextHeader = ipv6Header.nextHeader(b, s);
  let offset = s + 40;
  chain.fragment = -1;
  chain.verdict = Verdict.translated;
  for (;;) {
    const isFragmentHeader = nextHeader === protocol.fragment;
    if (!isFragmentHeader && !isExtensionToSkip(nextHeader)) break; // the upper layer
    // RFC 7915 §5.1 and Jool: extension headers after a Fragment header cannot be translated.
    if (chain.fragment >= 0) break;
    // The Fragment header is 8 bytes; the others say their length. 0: not even 8 bytes are there.
    const length = offset + 8 > end ? 0 : isFragmentHeader ? 8 : extensionHeader.headerLength(b, offset);
    if (length === 0 || offset + length > end) {
      refuseChain(chain, Verdict.ipv6BadExtensionHeader, offset - s);
      break;
    }
    if (isFragmentHeader) {
      chain.fragment = offset;
    } else if (nextHeader === protocol.routing && extensionHeader.segmentsLeft(b, offset) !== 0) {
      refuseChain(chain, Verdict.ipv6RoutingHeader, offset + 3 - s); // the Segments Left field
    }
    nextHeader = extensionHeader.nextHeader(b, offset);
    offset += length;
  }
  if (chain.fragment >= 0 && (isExtensionToSkip(nextHeader) || nextHeader === protocol.fragment)) {
    refuseChain(chain, Verdict.ipv6ExtensionAfterFragment, chain.fragment - s); // its Next Header names the header that follows
  }
  chain.proto = nextHeader;
  chain.l4 = offset;
}

/** The chain's first refusal is the one reported. */
function refuseChain(chain: HeaderChain, verdict: number, pointer: number): void {
  if (chain.verdict !== Verdict.translated) return;
  chain.verdict = verdict;
  chain.pointer = pointer;
}

/** A multicast, unspecified or loopback source (no packet's sender), its 16 bytes at `source`. */
function isIllegalIpv6Source(b: Uint8Array, source: number): boolean {
  if (b[source] === 0xff) return true; // multicast
  for (let i = 0; i < 15; i++) if (b[source + i] !== 0) return false;
  return b[source + 15] <= 1; // :: (unspecified) or ::1 (loopback)
}

/**
 * Writes `layer`'s IPv4 header at its `outIp`: Type of Service, TTL and addresses from the layer.
 * `flagsOffset` is the word of the flags and the Fragment Offset.
 */
function writeIpv4Header(o: Uint8Array, layer: PacketLayer, totalLen: number, id: number, flagsOffset: number, proto: number): void {
  const p = layer.outIp;
  o[p] = 0x45;
  o[p + 1] = layer.trafficClass;
  write16(o, p + 2, totalLen);
  write16(o, p + 4, id);
  write16(o, p + 6, flagsOffset);
  o[p + 8] = layer.hopLimit;
  o[p + 9] = proto;
  write32(o, p + 12, layer.src4);
  write32(o, p + 16, layer.dst4);
  fillIpv4HeaderChecksum(o, p, 20);
}

const outerChain = new HeaderChain();
const innerChain = new HeaderChain();

/**
 * Translates the IPv6 packet `b[s, s + n)`. `hairpinPass`: this is the first half of a hairpinned
 * translation; its IPv4 result is translated back to IPv6 by the caller.
 */
export function translate64(ctx: XlatContext, b: Uint8Array, s: number, n: number, out: XlatOutput, hairpinPass = false): number {
  out.count = 0;
  const rec = ctx.recorder;
  if (n < 40) {
    if (rec !== null) {
      if (n >= 6) rec.refuse(Verdict.truncated, s, ipv6Field.payloadLength, 0);
      else rec.refuseRange(Verdict.truncated, 'ipv6', 'Packet', s, n, 0);
    }
    return Verdict.truncated;
  }
  if (ipv6Header.version(b, s) !== 6) {
    if (rec !== null) rec.refuse(Verdict.badVersion, s, ipv6Field.version, 0);
    return Verdict.badVersion;
  }
  const payloadLen = ipv6Header.payloadLength(b, s);
  const end = s + 40 + payloadLen;
  if (40 + payloadLen > n) {
    if (rec !== null) rec.refuse(Verdict.truncated, s, ipv6Field.payloadLength, 0);
    return Verdict.truncated;
  }
  const config = ctx.config;
  const x = ctx.xlation64;
  const outer = x.outer;
  // Stored only when they change: a store of an object costs V8 a write barrier, a compare does not.
  if (x.rec !== rec) x.rec = rec;
  if (x.b !== b) x.b = b;
  if (x.out !== out) x.out = out;
  x.packetBytes = end - s;
  outer.inIp = s;

  const chain = outerChain;
  walkHeaders(b, s, end, chain);
  const proto = chain.proto;
  const l4 = chain.l4;
  outer.proto = proto;
  outer.inL4 = l4;
  if (chain.verdict === Verdict.ipv6RoutingHeader) {
    if (rec !== null) rec.refuse(chain.verdict, s + chain.pointer - 3, extensionField.segmentsLeft, 0);
    sendIcmp6Error(x, icmp6Type.parameterProblem, icmp6ParameterProblem.erroneousHeaderField, chain.pointer);
    return chain.verdict;
  }
  if (chain.verdict === Verdict.ipv6ExtensionAfterFragment) {
    if (rec !== null) rec.refuse(chain.verdict, s + chain.pointer, fragmentField.nextHeader, 0);
    // RFC 7915 §5.1 "SHOULD be dropped and logged", with the §5.4 default error (Jool does the same).
    sendIcmp6Error(x, icmp6Type.destinationUnreachable, icmp6Unreachable.adminProhibited, 0);
    return chain.verdict;
  }
  if (chain.verdict !== Verdict.translated) {
    if (rec !== null) rec.refuse(chain.verdict, s + chain.pointer, extensionField.hdrExtLen, 0);
    return chain.verdict;
  }

  const fragment = chain.fragment;
  const fragOffsetBytes = fragment >= 0 ? extensionHeader.fragmentOffset(b, fragment) << 3 : 0;
  const moreFragments = fragment >= 0 && extensionHeader.moreFragments(b, fragment);
  const isFragmented = fragOffsetBytes !== 0 || moreFragments;
  const l4Len = end - l4;
  const isIcmpError = proto === protocol.icmpv6 && l4Len > 0 && !isFragmented && isIcmp6Error(icmpHeader.type(b, l4));

  const source = ipv6Header.sourceAt(s);
  if (!isIcmpError && isIllegalIpv6Source(b, source)) {
    if (rec !== null) rec.refuse(Verdict.illegalSource, s, ipv6Field.source, 0);
    return Verdict.illegalSource;
  }
  const addresses = ctx.addresses;
  const dst = addresses.map6to4(b, ipv6Header.destinationAt(s));
  if (dst < 0) {
    const verdict = dst === wkpNonGlobal ? Verdict.wkpNonGlobal : Verdict.untranslatableDestination;
    if (rec !== null) rec.refuse(verdict, s, ipv6Field.destination, 0);
    return verdict;
  }
  const dstHow: AddressHow = addresses.lastMappedByEamt ? 'eamt' : 'pool6';
  const mustHairpin = !hairpinPass && addresses.isHairpin(dst);

  // RFC 7915 §5.1 "TTL": the translator is a router.
  let ttl = ipv6Header.hopLimit(b, s);
  if (config.decrementTtl) {
    if (ttl <= 1) {
      if (rec !== null) rec.refuse(Verdict.ttlExpired, s, ipv6Field.hopLimit, 0);
      sendIcmp6Error(x, icmp6Type.timeExceeded, icmp6TimeExceeded.hopLimitExceeded, 0);
      return Verdict.ttlExpired;
    }
    ttl--;
  }

  let src = addresses.map6to4(b, source);
  let srcHow: AddressHow = addresses.lastMappedByEamt ? 'eamt' : 'pool6';
  if (src < 0) {
    if (!isIcmpError) {
      const verdict = src === wkpNonGlobal ? Verdict.wkpNonGlobal : Verdict.untranslatableSource;
      if (rec !== null) rec.refuse(verdict, s, ipv6Field.source, 0);
      return verdict;
    }
    src = config.rfc6791v4 ?? config.selfIpv4; // RFC 6791 §4
    srcHow = 'rfc6791';
  }

  if (mustHairpin) return hairpin(ctx, b, s, n, out);

  outer.src4 = src;
  outer.dst4 = dst;
  outer.hopLimit = ttl;
  outer.trafficClass = ipv6Header.trafficClass(b, s);
  if (proto === protocol.icmpv6) {
    if (isFragmented) {
      if (rec !== null) rec.refuse(Verdict.fragmentedIcmp, fragment, fragOffsetBytes !== 0 ? fragmentField.fragmentOffset : fragmentField.m, 0);
      return Verdict.fragmentedIcmp;
    }
    if (isIcmpError) {
      const verdict = translateIcmp6Error(x, fragment);
      if (rec !== null && verdict === Verdict.translated) noteAddresses64(rec, x, outer, srcHow, dstHow);
      return verdict;
    }
  }

  const totalLen = 20 + l4Len;
  if (totalLen > config.mtu.ipv4) {
    // RFC 7915 §5.1 and §6: Packet Too Big with the IPv4 MTU plus the header growth.
    if (rec !== null) rec.refuse(Verdict.packetTooBig, s, ipv6Field.payloadLength, 0);
    sendIcmp6Error(x, icmp6Type.packetTooBig, 0, Math.max(1280, config.mtu.ipv4 + 20));
    return Verdict.packetTooBig;
  }

  const o = out.buffer;
  const p = out.baseOffset + out.headroomBytes;
  const h = p + 20;
  if (h + l4Len > o.length) {
    if (rec !== null) rec.refuse(Verdict.outputTooLarge, s, ipv6Field.payloadLength, 0);
    return Verdict.outputTooLarge;
  }
  copyBytes(b, l4, o, h, l4Len);
  if (rec !== null) rec.copy(l4, h, l4Len, 0, 0, '{from}: copied unchanged', 'RFC 7915 §5.1', 4);

  outer.outIp = p;
  outer.outL4 = h;
  outer.copied = l4Len;
  outer.upperLen = l4Len;
  let proto4 = proto;
  if (fragOffsetBytes === 0) {
    const fix = fixTransport64(x, outer);
    if (fix !== TransportFix.fixed) {
      const verdict = unfixedOuterTransport64(x, fix);
      if (verdict !== Verdict.translated) return verdict;
    }
    if (proto === protocol.icmpv6) proto4 = protocol.icmp;
  }

  let id: number;
  let flagsOffset: number;
  if (fragment >= 0) {
    // RFC 7915 §5.1.1: low 16 bits of the Identification, MF copied, DF clear.
    id = extensionHeader.identification(b, fragment) & 0xffff;
    flagsOffset = (fragOffsetBytes >> 3) | (moreFragments ? 0x2000 : 0); // MF
  } else if (totalLen > dfThresholdBytes) {
    id = 0; // RFC 6864 §4.1: an atomic datagram's Identification has no meaning
    flagsOffset = 0x4000; // DF (a literal: a named constant first read here, on the first large packet, would deoptimize translate64)
  } else {
    id = ctx.nextIpv4Id();
    flagsOffset = 0;
  }
  writeIpv4Header(o, outer, totalLen, id, flagsOffset, proto4);
  if (rec !== null) {
    noteAddresses64(rec, x, outer, srcHow, dstHow);
    rec.ipv4HeaderFrom6(s, p, 0, ctx.config.decrementTtl ? 'decremented' : 'copied', fragment, upperLayerAt(b, s, fragment, l4),
      fragment >= 0 ? 'fragment' : id === 0 ? 'zero' : 'counter', fragment >= 0 ? 'fragment' : flagsOffset !== 0 ? 'df' : 'clear', false);
  }
  recordOutput(out, p, totalLen, 4, 0);
  return Verdict.translated;
}

/** RFC 6052, RFC 7757, RFC 6791: the addresses `layer`'s IPv4 header got from its IPv6 header. */
function noteAddresses64(rec: XlatRecorder, x: Xlation, layer: PacketLayer, srcHow: AddressHow, dstHow: AddressHow): void {
  const length = x.ctx.addresses.pool6?.length ?? 0;
  const s = layer.inIp;
  const p = layer.outIp;
  const depth = layer.depth;
  rec.address(s, ipv6Field.source, p, ipv4Field.source, depth, srcHow, length);
  rec.address(s, ipv6Field.destination, p, ipv4Field.destination, depth, dstHow, length);
}

/** Where the Next Header that names the upper layer lies: the IPv6 header's, or the last extension header's. */
function upperLayerAt(b: Uint8Array, s: number, fragment: number, l4: number): number {
  let nextHeaderAt = s + 6;
  let at = s + 40;
  while (at < l4) {
    nextHeaderAt = at;
    at += at === fragment ? 8 : extensionHeader.headerLength(b, at);
  }
  return nextHeaderAt;
}

/** RFC 7757 §4: translate to IPv4, then back to IPv6 with the source mapped by pool6. */
function hairpin(ctx: XlatContext, b: Uint8Array, s: number, n: number, out: XlatOutput): number {
  const middle = ctx.hairpinOutput;
  const verdict = translate64(ctx, b, s, n, middle, true);
  if (verdict !== Verdict.translated || middle.count !== 1 || middle.family[0] !== 4) {
    // Errors sent back towards the IPv6 source leave as they are.
    out.count = 0;
    for (let i = 0; i < middle.count; i++) {
      const start = nextOutputStart(out);
      copyBytes(middle.buffer, middle.start[i], out.buffer, start, middle.length[i]);
      recordOutput(out, start, middle.length[i], middle.family[i], middle.generated[i]);
    }
    return verdict;
  }
  const rec = ctx.recorder;
  if (rec === null) return translate46(ctx, middle.buffer, middle.start[0], middle.length[0], out, true);
  // Recording: the second pass's notes read the intermediate packet; they are joined to the first's.
  rec.beginSecondPass(middle.buffer.subarray(0, middle.start[0] + middle.length[0]));
  const second = translate46(ctx, middle.buffer, middle.start[0], middle.length[0], out, true);
  rec.endSecondPass();
  return second;
}

/**
 * The outer packet's transport header (first fragment or whole packet) that transport-64.ts did
 * not fix: refused, except a zero UDP checksum.
 */
function unfixedOuterTransport64(x: Xlation, fix: number): number {
  if (fix !== TransportFix.zeroUdpChecksum) return refuseUnfixed(x, fix, ipv6Field.payloadLength, icmpv6Field.type);
  const outer = x.outer;
  const rec = x.rec;
  if (rec !== null) {
    rec.field('copied', outer.inL4, udpField.checksum, 0, outer.outL4, udpField.checksum, 0,
      '{from} → {to}: IPv6 forbids it; IPv4 reads it as "no checksum"', 'RFC 7915 §5.5, RFC 768');
  }
  return Verdict.translated; // a zero UDP checksum: IPv6 forbids it; IPv4 reads it as "no checksum"
}

/**
 * RFC 7915 §5.2-5.3: an ICMPv6 error becomes an ICMPv4 error whose embedded IPv6 packet is
 * translated too, cut to 576 bytes, with an RFC 4884 extension kept when it fits (icmp-extension.ts).
 */
function translateIcmp6Error(x: Xlation, fragment: number): number {
  const ctx = x.ctx;
  const b = x.b;
  const outer = x.outer;
  const s = outer.inIp;
  const l4 = outer.inL4;
  const end = s + x.packetBytes;
  const rec = x.rec;
  if (end - l4 < 8) {
    if (rec !== null) rec.refuse(Verdict.transportTruncated, s, ipv6Field.payloadLength, 0);
    return Verdict.transportTruncated;
  }
  const pseudo = addressSum6(b, s) + (end - l4) + protocol.icmpv6;
  if (!checksumIsValid(sumWords(b, l4, end, pseudo))) {
    if (rec !== null) rec.refuse(Verdict.icmpErrorBadChecksum, l4, icmpv6Field.checksum, 0);
    return Verdict.icmpErrorBadChecksum;
  }
  const type = icmpHeader.type(b, l4);
  const mapped = icmp6to4(type, icmpHeader.code(b, l4));
  if (mapped < 0) {
    if (rec !== null) rec.refuse(Verdict.icmpUntranslatableType, l4, icmpv6Field.type, 0);
    return Verdict.icmpUntranslatableType;
  }
  const type4 = mapped >> 8;
  const config = ctx.config;

  const inner = icmpHeader.quoteAt(l4);
  const innerAvailable = end - inner;
  if (innerAvailable < 40 || ipv6Header.version(b, inner) !== 6) {
    if (rec !== null) rec.refuse(Verdict.icmpErrorBadInner, inner, innerAvailable > 0 ? ipv6Field.version : null, 1);
    return Verdict.icmpErrorBadInner;
  }
  let originalBytes = innerAvailable;
  let extensionStart = end;
  const lengthWords = icmpHeader.icmp6Length(b, l4);
  if (icmp6HasLengthField(type) && lengthWords !== 0 && lengthWords * 8 < innerAvailable) {
    originalBytes = lengthWords * 8; // RFC 4884 §4.2: 64-bit words
    extensionStart = inner + originalBytes;
  }
  const extensionBytes = end - extensionStart;
  x.extensionStart = extensionStart;
  x.extensionBytes = extensionBytes;
  const innerPayloadLen = ipv6Header.payloadLength(b, inner);
  const innerBytes = Math.min(originalBytes, 40 + innerPayloadLen);
  const chain = innerChain;
  walkHeaders(b, inner, inner + innerBytes, chain);
  if (chain.verdict !== Verdict.translated) {
    if (rec !== null) rec.refuse(Verdict.icmpErrorBadInner, inner + chain.pointer, extensionField.nextHeader, 1);
    return Verdict.icmpErrorBadInner;
  }
  const innerProto = chain.proto;
  const innerFragment = chain.fragment;
  const innerFragOffset = innerFragment >= 0 ? extensionHeader.fragmentOffset(b, innerFragment) << 3 : 0;
  const innerL4Available = inner + innerBytes - chain.l4;
  if (innerProto === protocol.icmpv6 && innerFragOffset === 0 && innerL4Available > 0 && isIcmp6Error(icmpHeader.type(b, chain.l4))) {
    if (rec !== null) rec.refuse(Verdict.icmpErrorNested, chain.l4, icmpv6Field.type, 1);
    return Verdict.icmpErrorNested;
  }

  let rest = 0;
  if (type === icmp6Type.packetTooBig) {
    // RFC 7915 §5.2: minimum(advertised MTU - 20, MTU of the IPv4 next hop, MTU of the IPv6 next hop - 20).
    const advertised = icmpHeader.icmp6Mtu(b, l4);
    rest = Math.max(68, Math.min(advertised - 20, config.mtu.ipv4, config.mtu.ipv6 - 20));
  } else if (mapped === pointerProblem4) {
    const pointer = icmpHeader.icmp6Pointer(b, l4);
    const pointer4 = pointer > 39 ? -1 : mapPointer6to4(pointer);
    if (pointer4 < 0) {
      if (rec !== null) rec.refuse(Verdict.icmpUntranslatableType, l4, icmpv6Field.pointer, 0);
      return Verdict.icmpUntranslatableType;
    }
    rest = pointer4 << 24;
  }

  const innerSrc = ctx.addresses.map6to4(b, ipv6Header.sourceAt(inner));
  const innerSrcHow: AddressHow = ctx.addresses.lastMappedByEamt ? 'eamt' : 'pool6';
  const innerDst = ctx.addresses.map6to4(b, ipv6Header.destinationAt(inner));
  const innerDstHow: AddressHow = ctx.addresses.lastMappedByEamt ? 'eamt' : 'pool6';
  if (innerSrc < 0 || innerDst < 0) {
    if (rec !== null) rec.refuse(Verdict.icmpErrorBadInner, inner, innerSrc < 0 ? ipv6Field.source : ipv6Field.destination, 1);
    return Verdict.icmpErrorBadInner;
  }

  const out = x.out;
  const o = out.buffer;
  const p = out.baseOffset + out.headroomBytes;
  const q = p + 28;
  const budget = icmp4ErrorMaxBytes - 28;
  const innerUpperLen = innerPayloadLen - (chain.l4 - inner - 40); // as the embedded header declares
  const innerCopied = Math.max(0, Math.min(innerL4Available, budget - 20));
  copyBytes(b, chain.l4, o, q + 20, innerCopied);
  if (rec !== null) rec.copy(chain.l4, q + 20, innerCopied, 1, 1, '{from}: the quoted packet\'s bytes, copied', 'RFC 7915 §5.3', 4);
  const quoted = x.inner;
  quoted.inIp = inner;
  quoted.inL4 = chain.l4;
  quoted.outIp = q;
  quoted.outL4 = q + 20;
  quoted.proto = innerProto;
  quoted.copied = innerCopied;
  quoted.upperLen = innerUpperLen;
  quoted.src4 = innerSrc;
  quoted.dst4 = innerDst;
  quoted.trafficClass = ipv6Header.trafficClass(b, inner);
  quoted.hopLimit = b[inner + 7]; // RFC 7915 §5.3: the quote's Hop Limit is not decremented
  if (innerFragOffset === 0) fixTransport64(x, quoted); // what it cannot fix is quoted as it is
  let innerId = 0;
  let innerFlags = 0;
  if (innerFragment >= 0) {
    innerId = extensionHeader.identification(b, innerFragment) & 0xffff;
    innerFlags = (innerFragOffset >> 3) | (extensionHeader.moreFragments(b, innerFragment) ? 0x2000 : 0); // MF
  } else if (20 + innerUpperLen > dfThresholdBytes) {
    innerFlags = 0x4000; // DF
  }
  const innerProto4 = innerProto === protocol.icmpv6 ? protocol.icmp : innerProto;
  writeIpv4Header(o, quoted, 20 + innerUpperLen, innerId, innerFlags, innerProto4);
  if (rec !== null) {
    noteAddresses64(rec, x, quoted, innerSrcHow, innerDstHow);
    rec.ipv4HeaderFrom6(inner, q, 1, 'unchanged-quote', innerFragment, upperLayerAt(b, inner, innerFragment, chain.l4),
      innerFragment >= 0 ? 'fragment' : 'quoted', innerFragment >= 0 ? 'fragment' : innerFlags !== 0 ? 'df' : 'clear', false);
  }
  const inner4 = 20 + innerCopied;

  const layout = layOutQuote(x, inner4, budget, icmp4HasLengthField(type4), 4);
  const icmpLength = 8 + layout.payloadBytes;
  if (rec !== null) {
    rec.quoteLayout(q, inner4, layout.lengthUnits * 4, extensionStart, extensionBytes, false);
    rec.notCarried(chain.l4 + innerCopied, end, extensionStart, layout.lengthUnits !== 0 ? extensionBytes : 0, icmp4ErrorMaxBytes);
  }

  const c = p + 20;
  o[c] = type4;
  o[c + 1] = mapped & 0xff;
  write16(o, c + 2, 0);
  write32(o, c + 4, rest);
  if (layout.lengthUnits !== 0) o[c + 5] = layout.lengthUnits; // RFC 4884 §4.1: ICMPv4 byte 5
  write16(o, c + 2, finishChecksum(sumWords(o, c, c + icmpLength)));
  // Errors leave with DF clear (so does Jool: a router may fragment them on a small link).
  // An atomic fragment's Identification is kept (RFC 7915 §5.1.1), as for any other packet.
  const id = fragment >= 0 ? extensionHeader.identification(b, fragment) & 0xffff : ctx.nextIpv4Id();
  outer.outIp = p;
  writeIpv4Header(o, outer, 20 + icmpLength, id, 0, protocol.icmp);
  if (rec !== null) {
    rec.icmpErrorHeader64(l4, c, mapped, layout.lengthUnits);
    rec.ipv4HeaderFrom6(s, p, 0, config.decrementTtl ? 'decremented' : 'copied', fragment, upperLayerAt(b, s, fragment, l4),
      fragment >= 0 ? 'fragment' : 'counter', 'error', true);
  }
  recordOutput(out, p, 20 + icmpLength, 4, 0);
  return Verdict.translated;
}

// RFC 7915 §4: IPv4 → IPv6. The steps, in order:
//   1. validate the IPv4 header (length, checksum), the source (§4.1, RFC 1812 §5.3.7);
//   2. map the destination, decrement the TTL (Time Exceeded on expiry), check source routes;
//   3. map the source (RFC 6791 fallback for ICMP errors);
//   4. Fragmentation Needed when DF is set and the IPv6 packet will not fit the IPv6 MTU;
//   5. copy the payload and fix the transport header in the copy (checksum by RFC 1624, ICMP types);
//   6. write the IPv6 header, with a Fragment header for fragments, or split DF=0 packets to fit
//      lowestIpv6Mtu.
// ICMP errors take their own path: their embedded packet is translated too (§4.3).
// The state of one translation is the XlatContext's `xlation46` (xlation.ts); the transport
// fix-up of step 5 is transport-46.ts, shared by the outer packet and the quote in an ICMP error.

import { checksumIsValid, finishChecksum, sumWords } from '../wire/checksum.js';
import { write16, write32 } from '../wire/bytes.js';
import { icmp4HasLengthField, icmp4TimeExceeded, icmp4Type, icmp4Unreachable, icmp6HasLengthField, icmp6Type, isIcmp4Error } from '../wire/icmp.js';
import * as icmpHeaderExports from '../wire/icmp-header.js';
import { ipv4, ipv4Option } from '../wire/ipv4.js';
import * as ipv4HeaderExports from '../wire/ipv4-header.js';
import { protocol } from '../wire/protocol.js';
import { wkpNonGlobal } from './address-map.js';
import type { XlatContext } from './context.js';
import { copyBytes } from './copy-bytes.js';
import { icmp4to6, mapPointer4to6, nextHeaderProblem6, plateauBelow } from './icmp-map.js';
import { icmp6ErrorMaxBytes, recordOutput, sendIcmp4Error } from './icmp-errors.js';
import { layOutQuote } from './icmp-extension.js';
import { maxOutputPackets, type XlatOutput } from './output.js';
import { icmpField, ipv4Field, ipv6Field, udpField } from './explain-fields.js';
import type { HopAction, XlatRecorder } from './recorder.js';
import { fixTransport46 } from './transport-46.js';
import { refuseUnfixed, TransportFix, udpChecksumToSend } from './transport-fix.js';
import { Verdict } from './verdict.js';
import type { PacketLayer, Xlation } from './xlation.js';

// The header views as module constants, so TurboFan inlines their accessors outright (ipv4-header.ts says why).
const icmpHeader = { ...icmpHeaderExports };
const ipv4Header = { ...ipv4HeaderExports };

/** RFC 1812 §5.3.7: sources a router must not forward: 0/8, 127/8, multicast, reserved, broadcast. */
function isIllegalIpv4Source(src: number): boolean {
  const top = src >>> 24;
  return top === 0 || top === 127 || top >= 224;
}

/** RFC 7915 §1.2: multicast and broadcast have no RFC 6052 mapping. */
function isIpv4MulticastOrBroadcast(dst: number): boolean {
  return dst >>> 28 === 0xe || dst === 0xffffffff;
}

const optionsValid = 0;
const optionsSourceRoute = 1;
const optionsMalformed = 2;

/** RFC 7915 §4.1: a source route option that is not used up means the packet must not go on. */
function scanOptions(b: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const type = b[i];
    if (type === ipv4Option.endOfList) return optionsValid;
    if (type === ipv4Option.noOperation) {
      i++;
      continue;
    }
    if (i + 1 >= end) return optionsMalformed;
    const length = b[i + 1];
    if (length < 2 || i + length > end) return optionsMalformed;
    if (type === ipv4Option.looseSourceRoute || type === ipv4Option.strictSourceRoute) {
      if (length < 3) return optionsMalformed;
      // The pointer (1-based) is past the route data once every hop has been visited.
      if (b[i + 2] <= length) return optionsSourceRoute;
    }
    i += length;
  }
  return optionsValid;
}

/** Writes the fixed IPv6 header fields; the addresses are already in place at p+8 and p+24. */
function writeIpv6Header(o: Uint8Array, p: number, trafficClass: number, payloadLen: number, nextHeader: number, hopLimit: number): void {
  o[p] = 0x60 | (trafficClass >> 4);
  o[p + 1] = (trafficClass & 0x0f) << 4; // flow label 0 (RFC 7915 §4.1)
  o[p + 2] = 0;
  o[p + 3] = 0;
  write16(o, p + 4, payloadLen);
  o[p + 6] = nextHeader;
  o[p + 7] = hopLimit;
}

/** RFC 8200 §4.5: `offsetAndMore` is the Fragment Offset in bytes with the M flag in bit 0. */
function writeFragmentHeader(o: Uint8Array, f: number, nextHeader: number, offsetAndMore: number, id: number): void {
  o[f] = nextHeader;
  o[f + 1] = 0;
  write16(o, f + 2, offsetAndMore);
  write32(o, f + 4, id);
}

/**
 * Translates the IPv4 packet `b[s, s + n)`. `hairpin`: the packet is the IPv4 form of a packet
 * that came from the IPv6 side and goes back there (RFC 7757 §4): no second TTL decrement, and the
 * source maps by pool6 only.
 */
export function translate46(ctx: XlatContext, b: Uint8Array, s: number, n: number, out: XlatOutput, hairpin: boolean): number {
  out.count = 0;
  const rec = ctx.recorder;
  if (n < 20) {
    if (rec !== null) {
      if (n >= 4) rec.refuse(Verdict.truncated, s, ipv4Field.totalLength, 0);
      else rec.refuseRange(Verdict.truncated, 'ipv4', 'Packet', s, n, 0);
    }
    return Verdict.truncated;
  }
  if (ipv4Header.version(b, s) !== 4) {
    if (rec !== null) rec.refuse(Verdict.badVersion, s, ipv4Field.version, 0);
    return Verdict.badVersion;
  }
  const ihl = ipv4Header.headerLength(b, s);
  const totalLen = ipv4Header.totalLength(b, s);
  if (ihl < 20 || totalLen < ihl) {
    if (rec !== null) rec.refuse(Verdict.ipv4BadHeader, s, ihl < 20 ? ipv4Field.ihl : ipv4Field.totalLength, 0);
    return Verdict.ipv4BadHeader;
  }
  if (totalLen > n) {
    if (rec !== null) rec.refuse(Verdict.truncated, s, ipv4Field.totalLength, 0);
    return Verdict.truncated;
  }
  if (!checksumIsValid(sumWords(b, s, s + ihl))) {
    if (rec !== null) rec.refuse(Verdict.ipv4BadHeaderChecksum, s, ipv4Field.headerChecksum, 0);
    return Verdict.ipv4BadHeaderChecksum;
  }

  const x = ctx.xlation46;
  const outer = x.outer;
  // Stored only when they change: a store of an object costs V8 a write barrier, a compare does not.
  if (x.rec !== rec) x.rec = rec;
  if (x.b !== b) x.b = b;
  if (x.out !== out) x.out = out;
  x.packetBytes = totalLen;
  outer.inIp = s;
  const config = ctx.config;
  const flags = ipv4Header.flagsAndFragmentOffset(b, s); // DF, MF and the offset from one read
  const fragOffsetBytes = (flags & ipv4.fragOffsetMask) << 3;
  const moreFragments = (flags & ipv4.flagMf) !== 0;
  const dontFragment = (flags & ipv4.flagDf) !== 0;
  const isFragment = moreFragments || fragOffsetBytes !== 0;
  const proto = ipv4Header.protocol(b, s);
  const l4 = s + ihl;
  const payloadLen = totalLen - ihl;
  const isIcmpError = proto === protocol.icmp && payloadLen > 0 && !isFragment && isIcmp4Error(icmpHeader.type(b, l4));
  const src = ipv4Header.source(b, s);
  const dst = ipv4Header.destination(b, s);

  // RFC 7915 §4.1: illegal sources are dropped, except in ICMP errors ("for trouble shooting").
  if (!isIcmpError && isIllegalIpv4Source(src)) {
    if (rec !== null) rec.refuse(Verdict.illegalSource, s, ipv4Field.source, 0);
    return Verdict.illegalSource;
  }
  if (isIpv4MulticastOrBroadcast(dst)) {
    if (rec !== null) rec.refuse(Verdict.untranslatableDestination, s, ipv4Field.destination, 0);
    return Verdict.untranslatableDestination;
  }

  const o = out.buffer;
  const p = out.baseOffset + out.headroomBytes;
  outer.outIp = p;
  const addresses = ctx.addresses;
  const dstResult = addresses.map4to6(dst, o, p + 24, false);
  if (dstResult !== 0) {
    const verdict = dstResult === wkpNonGlobal ? Verdict.wkpNonGlobal : Verdict.untranslatableDestination;
    if (rec !== null) rec.refuse(verdict, s, ipv4Field.destination, 0);
    return verdict;
  }
  if (rec !== null) noteAddress(rec, x, outer, ipv4Field.destination, ipv6Field.destination);

  // RFC 7915 §4.1 "Hop Limit": the translator is a router; TTL 1 or 0 cannot be forwarded. Where the
  // next thing on the way decrements (hopDecrementedDownstream), the decrement is its.
  let hopLimit = ipv4Header.timeToLive(b, s);
  if (config.decrementTtl && !hairpin) {
    if (hopLimit <= 1) {
      if (rec !== null) rec.refuse(Verdict.ttlExpired, s, ipv4Field.timeToLive, 0);
      sendIcmp4Error(x, icmp4Type.timeExceeded, icmp4TimeExceeded.ttlExceeded, 0);
      return Verdict.ttlExpired;
    }
    if (!config.hopDecrementedDownstream) hopLimit--;
  }

  if (ihl > 20) {
    const options = scanOptions(b, s + 20, s + ihl);
    if (options === optionsSourceRoute) {
      if (rec !== null) rec.refuseRange(Verdict.ipv4SourceRoute, 'ipv4-options', 'Options', s + 20, ihl - 20, 0);
      sendIcmp4Error(x, icmp4Type.destinationUnreachable, icmp4Unreachable.sourceRouteFailed, 0);
      return Verdict.ipv4SourceRoute;
    }
    if (options === optionsMalformed) {
      if (rec !== null) rec.refuseRange(Verdict.ipv4BadHeader, 'ipv4-options', 'Options', s + 20, ihl - 20, 0);
      return Verdict.ipv4BadHeader;
    }
  }

  const srcResult = addresses.map4to6(src, o, p + 8, hairpin);
  if (srcResult !== 0) {
    if (!isIcmpError) {
      const verdict = srcResult === wkpNonGlobal ? Verdict.wkpNonGlobal : Verdict.untranslatableSource;
      if (rec !== null) rec.refuse(verdict, s, ipv4Field.source, 0);
      return verdict;
    }
    // RFC 6791 §4: the source of a translated ICMP error comes from a configured pool.
    const fallback = config.rfc6791v6 ?? config.selfIpv6;
    for (let i = 0; i < 16; i++) o[p + 8 + i] = fallback[i];
    if (rec !== null) rec.address(s, ipv4Field.source, p, ipv6Field.source, 0, 'rfc6791', 0);
  } else if (rec !== null) {
    noteAddress(rec, x, outer, ipv4Field.source, ipv6Field.source);
  }

  outer.inL4 = l4;
  outer.proto = proto;
  const trafficClass = ipv4Header.typeOfService(b, s); // RFC 7915 §4.1: Traffic Class from TOS
  if (proto === protocol.icmp) {
    if (isFragment) {
      if (rec !== null) rec.refuse(Verdict.fragmentedIcmp, s, fragOffsetBytes !== 0 ? ipv4Field.fragmentOffset : ipv4Field.flags, 0);
      return Verdict.fragmentedIcmp;
    }
    if (isIcmpError) {
      outer.trafficClass = trafficClass;
      outer.hopLimit = hopLimit;
      x.hairpin = hairpin;
      return translateIcmp4Error(x);
    }
  }

  const mtu6 = config.mtu.ipv6;
  if (dontFragment && 40 + (isFragment ? 8 : 0) + payloadLen > mtu6) {
    // RFC 7915 §4.1 and §6: the MTU the IPv4 sender can use is the IPv6 MTU less what translation adds.
    if (rec !== null) rec.refuse(Verdict.fragmentationNeeded, s, ipv4Field.flags, 0);
    sendIcmp4Error(x, icmp4Type.destinationUnreachable, icmp4Unreachable.fragmentationNeeded, mtu6 - 20 - (isFragment ? 8 : 0));
    return Verdict.fragmentationNeeded;
  }
  const fragmentLimit = Math.min(mtu6, config.lowestIpv6Mtu);
  const mustSplit = !dontFragment && 40 + (isFragment ? 8 : 0) + payloadLen > fragmentLimit;
  const withFragmentHeader = isFragment || mustSplit;
  const h = p + 40 + (withFragmentHeader ? 8 : 0);
  if (h + payloadLen > o.length) {
    if (rec !== null) rec.refuse(Verdict.outputTooLarge, s, ipv4Field.totalLength, 0);
    return Verdict.outputTooLarge;
  }
  copyBytes(b, l4, o, h, payloadLen);
  if (rec !== null) rec.copy(l4, h, payloadLen, 0, 0, '{from}: copied unchanged', 'RFC 7915 §4.1', 6);

  outer.outL4 = h;
  outer.copied = payloadLen;
  outer.upperLen = payloadLen;
  let nextHeader = proto;
  if (fragOffsetBytes === 0) {
    const fix = fixTransport46(x, outer);
    if (fix !== TransportFix.fixed) {
      const verdict = unfixedOuterTransport46(x, fix, isFragment);
      if (verdict !== Verdict.translated) return verdict;
    }
    if (proto === protocol.icmp) nextHeader = protocol.icmpv6;
  }

  const id = ipv4Header.identification(b, s);
  if (!mustSplit) {
    if (isFragment) {
      writeIpv6Header(o, p, trafficClass, 8 + payloadLen, protocol.fragment, hopLimit);
      writeFragmentHeader(o, p + 40, nextHeader, fragOffsetBytes | (moreFragments ? 1 : 0), id);
    } else {
      writeIpv6Header(o, p, trafficClass, payloadLen, nextHeader, hopLimit);
    }
    if (rec !== null) rec.ipv6HeaderFrom4(s, p, 0, hopAction(ctx, hairpin), isFragment ? p + 40 : -1, false, false);
    recordOutput(out, p, h - p + payloadLen, 6, 0);
    return Verdict.translated;
  }
  outer.trafficClass = trafficClass;
  outer.hopLimit = hopLimit;
  outer.fragmentOffsetBytes = fragOffsetBytes;
  outer.moreFragments = moreFragments;
  outer.identification = id;
  const verdict = splitIntoFragments(x, fragmentLimit, nextHeader);
  if (rec !== null) {
    if (verdict !== Verdict.translated) rec.refuse(verdict, s, ipv4Field.totalLength, 0);
    else noteFragments(rec, s, l4, out, hopAction(ctx, hairpin));
  }
  return verdict;
}

/** RFC 7915 §4.1: how the TTL became the Hop Limit. */
function hopAction(ctx: XlatContext, hairpin: boolean): HopAction {
  if (hairpin) return 'not-decremented';
  if (!ctx.config.decrementTtl) return 'copied';
  return ctx.config.hopDecrementedDownstream ? 'downstream' : 'decremented';
}

/** Notes an address the AddressMap just wrote, by the rule it used. */
function noteAddress(rec: XlatRecorder, x: Xlation, layer: PacketLayer, from: typeof ipv4Field.source, to: typeof ipv6Field.source): void {
  const addresses = x.ctx.addresses;
  rec.address(layer.inIp, from, layer.outIp, to, layer.depth, addresses.lastMappedByEamt ? 'eamt' : 'pool6', addresses.pool6?.length ?? 0);
}

/** The pieces of a split packet: the first piece's headers repeat in each, with its own share of the data. */
function noteFragments(rec: XlatRecorder, s: number, l4: number, out: XlatOutput, hop: HopAction): void {
  const p = out.start[0];
  rec.ipv6HeaderFrom4(s, p, 0, hop, p + 40, true, false);
  const starts: number[] = [];
  for (let i = 1; i < out.count; i++) starts.push(out.start[i]);
  rec.repeatForPieces(p, 48, starts);
  const chunk = out.length[0] - 48;
  for (let i = 1; i < out.count; i++) {
    rec.copy(l4 + i * chunk, out.start[i] + 48, out.length[i] - 48, 0, 0, '{from}: this fragment\'s share of the data, copied', 'RFC 7915 §4.1', 6);
  }
}

/**
 * RFC 7915 §4.1: a DF=0 packet that would exceed lowestIpv6Mtu leaves as IPv6 fragments. The whole
 * translated payload sits at p+48; pieces are moved right to their final places, last first, so that
 * no piece overwrites one not yet moved.
 */
function splitIntoFragments(x: Xlation, limit: number, nextHeader: number): number {
  const outer = x.outer;
  const out = x.out;
  const o = out.buffer;
  const p = outer.outIp;
  const payloadLen = outer.copied;
  const fragOffsetBytes = outer.fragmentOffsetBytes;
  const moreFragments = outer.moreFragments;
  const chunk = (limit - 48) & ~7;
  const pieces = Math.ceil(payloadLen / chunk);
  const stride = 48 + chunk + out.headroomBytes;
  if (pieces > maxOutputPackets || p + (pieces - 1) * stride + 48 + chunk > o.length) return Verdict.outputTooLarge;
  for (let i = pieces - 1; i >= 0; i--) {
    const q = p + i * stride;
    const length = Math.min(chunk, payloadLen - i * chunk);
    if (i > 0) {
      const from = p + 48 + i * chunk;
      o.copyWithin(q + 48, from, from + length);
      o.copyWithin(q + 8, p + 8, p + 40);
    }
    writeIpv6Header(o, q, outer.trafficClass, 8 + length, protocol.fragment, outer.hopLimit);
    writeFragmentHeader(o, q + 40, nextHeader, (fragOffsetBytes + i * chunk) | (i < pieces - 1 || moreFragments ? 1 : 0), outer.identification);
  }
  for (let i = 0; i < pieces; i++) {
    recordOutput(out, p + i * stride, 48 + Math.min(chunk, payloadLen - i * chunk), 6, 0);
  }
  return Verdict.translated;
}

/**
 * The outer packet's transport header (first fragment or whole packet) that transport-46.ts did
 * not fix: refused, except a zero UDP checksum that the configuration may let through.
 */
function unfixedOuterTransport46(x: Xlation, fix: number, isFragment: boolean): number {
  if (fix === TransportFix.zeroUdpChecksum) return zeroUdpChecksum46(x, isFragment);
  return refuseUnfixed(x, fix, ipv4Field.totalLength, icmpField.type);
}

/** RFC 7915 §4.5: IPv6 requires a UDP checksum; a zero one is forwarded, computed or refused, by configuration. */
function zeroUdpChecksum46(x: Xlation, isFragment: boolean): number {
  const outer = x.outer;
  const rec = x.rec;
  const policy = x.ctx.config.udpZeroChecksum;
  if (policy === 'forward') {
    if (rec !== null) noteUdpChecksum(rec, outer, '{from} → {to}: a zero checksum forwarded as it is, by configuration', 'RFC 7915 §4.5, RFC 6935');
    return Verdict.translated;
  }
  if (policy === 'compute' && !isFragment) {
    const o = x.out.buffer;
    const p = outer.outIp;
    const h = outer.outL4;
    const udpLength = outer.copied;
    let sum = sumWords(o, p + 8, p + 40) + udpLength + protocol.udp;
    sum = sumWords(o, h, h + udpLength, sum);
    write16(o, h + 6, udpChecksumToSend(finishChecksum(sum)));
    if (rec !== null) noteUdpChecksum(rec, outer, '{from} → {to}: IPv6 requires a UDP checksum, so it is computed over the whole datagram', 'RFC 7915 §4.5, RFC 8200 §8.1');
    return Verdict.translated;
  }
  const verdict = isFragment ? Verdict.udpZeroChecksumFragment : Verdict.udpZeroChecksum;
  if (rec !== null) rec.refuse(verdict, outer.inL4, udpField.checksum, 0);
  sendIcmp4Error(x, icmp4Type.destinationUnreachable, icmp4Unreachable.communicationProhibited, 0);
  return verdict;
}

function noteUdpChecksum(rec: XlatRecorder, outer: PacketLayer, rule: string, cite: string): void {
  rec.field('updated', outer.inL4, udpField.checksum, 0, outer.outL4, udpField.checksum, 0, rule, cite);
}

/**
 * RFC 7915 §4.2-4.3: an ICMPv4 error becomes an ICMPv6 error whose embedded IPv4 packet is
 * translated too (addresses, header, transport checksum; TTL unchanged), cut to 1280 bytes, with an
 * RFC 4884 extension kept when it fits (icmp-extension.ts).
 */
function translateIcmp4Error(x: Xlation): number {
  const ctx = x.ctx;
  const b = x.b;
  const outer = x.outer;
  const s = outer.inIp;
  const l4 = outer.inL4;
  const end = s + x.packetBytes;
  const rec = x.rec;
  if (end - l4 < 8) {
    if (rec !== null) rec.refuse(Verdict.transportTruncated, s, ipv4Field.totalLength, 0);
    return Verdict.transportTruncated;
  }
  // The error is rebuilt and its checksum computed anew, so a wrong checksum must stop it here.
  if (!checksumIsValid(sumWords(b, l4, end))) {
    if (rec !== null) rec.refuse(Verdict.icmpErrorBadChecksum, l4, icmpField.checksum, 0);
    return Verdict.icmpErrorBadChecksum;
  }
  const type = icmpHeader.type(b, l4);
  const mapped = icmp4to6(type, icmpHeader.code(b, l4));
  if (mapped < 0) {
    if (rec !== null) rec.refuse(Verdict.icmpUntranslatableType, l4, icmpField.type, 0);
    return Verdict.icmpUntranslatableType;
  }
  const type6 = mapped >> 8;
  const config = ctx.config;

  const inner = icmpHeader.quoteAt(l4);
  const innerAvailable = end - inner;
  if (innerAvailable < 20 || ipv4Header.version(b, inner) !== 4) {
    if (rec !== null) rec.refuse(Verdict.icmpErrorBadInner, inner, innerAvailable > 0 ? ipv4Field.version : null, 1);
    return Verdict.icmpErrorBadInner;
  }
  const innerIhl = ipv4Header.headerLength(b, inner);
  const innerTotal = ipv4Header.totalLength(b, inner);
  if (innerIhl < 20 || innerIhl > innerAvailable || innerTotal < innerIhl) {
    if (rec !== null) rec.refuse(Verdict.icmpErrorBadInner, inner, innerTotal < innerIhl ? ipv4Field.totalLength : ipv4Field.ihl, 1);
    return Verdict.icmpErrorBadInner;
  }
  const innerProto = ipv4Header.protocol(b, inner);
  const innerFragOffset = ipv4Header.fragmentOffset(b, inner) << 3;
  const innerMoreFragments = ipv4Header.moreFragments(b, inner);
  const innerIsFragment = innerMoreFragments || innerFragOffset !== 0;

  // RFC 4884 §4.1: a non-zero length (32-bit words) says where the original datagram ends.
  let originalBytes = innerAvailable;
  let extensionStart = end;
  const lengthWords = icmpHeader.icmp4Length(b, l4);
  if (icmp4HasLengthField(type) && lengthWords !== 0 && lengthWords * 4 < innerAvailable) {
    originalBytes = lengthWords * 4;
    extensionStart = inner + originalBytes;
  }
  const extensionBytes = end - extensionStart;
  x.extensionStart = extensionStart;
  x.extensionBytes = extensionBytes;
  const innerBytes = Math.min(originalBytes, innerTotal); // without RFC 4884 zero padding
  const innerPayloadAvailable = innerBytes - innerIhl;
  if (innerProto === protocol.icmp && innerFragOffset === 0 && innerPayloadAvailable > 0 && isIcmp4Error(icmpHeader.type(b, inner + innerIhl))) {
    if (rec !== null) rec.refuse(Verdict.icmpErrorNested, inner + innerIhl, icmpField.type, 1);
    return Verdict.icmpErrorNested; // RFC 7915 §4.3: stop at the first embedded header
  }

  // ICMPv6 rest-of-header: MTU for Packet Too Big, pointer for Parameter Problem.
  let rest = 0;
  if (type6 === icmp6Type.packetTooBig) {
    let mtu4 = icmpHeader.icmp4NextHopMtu(b, l4);
    if (mtu4 === 0) mtu4 = plateauBelow(innerTotal); // RFC 1191 §7, RFC 7915 §4.2
    rest = Math.max(1280, Math.min(mtu4 + 20, config.mtu.ipv6, config.mtu.ipv4 + 20));
  } else if (mapped === nextHeaderProblem6) {
    rest = 6; // Protocol Unreachable → the IPv6 Next Header field
  } else if (type6 === icmp6Type.parameterProblem) {
    const pointer = mapPointer4to6(icmpHeader.icmp4Pointer(b, l4));
    if (pointer < 0) {
      if (rec !== null) rec.refuse(Verdict.icmpUntranslatableType, l4, icmpField.pointer, 0);
      return Verdict.icmpUntranslatableType;
    }
    rest = pointer;
  }

  // The embedded packet, translated at q.
  const out = x.out;
  const o = out.buffer;
  const p = outer.outIp;
  const q = p + 48;
  const quoted = x.inner;
  quoted.inIp = inner;
  quoted.outIp = q;
  const addresses = ctx.addresses;
  // Hairpinning mirrors the outer rule: the embedded destination is the hairpinning host.
  if (addresses.map4to6(ipv4Header.source(b, inner), o, q + 8, false) !== 0) {
    if (rec !== null) rec.refuse(Verdict.icmpErrorBadInner, inner, ipv4Field.source, 1);
    return Verdict.icmpErrorBadInner;
  }
  if (rec !== null) noteAddress(rec, x, quoted, ipv4Field.source, ipv6Field.source);
  if (addresses.map4to6(ipv4Header.destination(b, inner), o, q + 24, x.hairpin) !== 0) {
    if (rec !== null) rec.refuse(Verdict.icmpErrorBadInner, inner, ipv4Field.destination, 1);
    return Verdict.icmpErrorBadInner;
  }
  if (rec !== null) noteAddress(rec, x, quoted, ipv4Field.destination, ipv6Field.destination);
  const innerHeader6 = innerIsFragment ? 48 : 40;
  const budget = icmp6ErrorMaxBytes - 48;
  const innerCopied = Math.max(0, Math.min(innerPayloadAvailable, budget - innerHeader6));
  copyBytes(b, inner + innerIhl, o, q + innerHeader6, innerCopied);
  if (rec !== null) rec.copy(inner + innerIhl, q + innerHeader6, innerCopied, 1, 1, '{from}: the quoted packet\'s bytes, copied', 'RFC 7915 §4.3', 6);
  quoted.inL4 = inner + innerIhl;
  quoted.outL4 = q + innerHeader6;
  quoted.proto = innerProto;
  quoted.copied = innerCopied;
  quoted.upperLen = innerTotal - innerIhl;
  quoted.trafficClass = ipv4Header.typeOfService(b, inner);
  quoted.hopLimit = ipv4Header.timeToLive(b, inner); // RFC 7915 §4.3: the quote's TTL is not decremented
  const innerNext = innerProto === protocol.icmp ? protocol.icmpv6 : innerProto;
  if (innerFragOffset === 0) fixTransport46(x, quoted); // what it cannot fix is quoted as it is
  const innerPayload6 = innerTotal - innerIhl + (innerIsFragment ? 8 : 0);
  if (innerIsFragment) {
    writeIpv6Header(o, q, quoted.trafficClass, innerPayload6, protocol.fragment, quoted.hopLimit);
    writeFragmentHeader(o, q + 40, innerNext, innerFragOffset | (innerMoreFragments ? 1 : 0), ipv4Header.identification(b, inner));
  } else {
    writeIpv6Header(o, q, quoted.trafficClass, innerPayload6, innerNext, quoted.hopLimit);
  }
  if (rec !== null) rec.ipv6HeaderFrom4(inner, q, 1, 'unchanged-quote', innerIsFragment ? q + 40 : -1, false, false);
  const inner6 = innerHeader6 + innerCopied;

  const layout = layOutQuote(x, inner6, budget, icmp6HasLengthField(type6), 8);
  const icmpLength = 8 + layout.payloadBytes;
  if (rec !== null) {
    rec.quoteLayout(q, inner6, layout.lengthUnits * 8, extensionStart, extensionBytes, true);
    rec.notCarried(inner + innerIhl + innerCopied, end, extensionStart, layout.lengthUnits !== 0 ? extensionBytes : 0, icmp6ErrorMaxBytes);
  }

  const c = p + 40;
  o[c] = type6;
  o[c + 1] = mapped & 0xff;
  write16(o, c + 2, 0);
  write32(o, c + 4, rest);
  if (layout.lengthUnits !== 0) o[c + 4] = layout.lengthUnits; // RFC 4884 §4.2: ICMPv6 byte 4
  writeIpv6Header(o, p, outer.trafficClass, icmpLength, protocol.icmpv6, outer.hopLimit);
  const sum = sumWords(o, p + 8, p + 40, icmpLength + protocol.icmpv6);
  write16(o, c + 2, finishChecksum(sumWords(o, c, c + icmpLength, sum)));
  if (rec !== null) {
    rec.icmpErrorHeader46(l4, c, mapped, icmpHeader.icmp4NextHopMtu(b, l4) === 0 && type6 === icmp6Type.packetTooBig, layout.lengthUnits);
    rec.ipv6HeaderFrom4(s, p, 0, hopAction(ctx, x.hairpin), -1, false, true);
  }
  recordOutput(out, p, 40 + icmpLength, 6, 0);
  return Verdict.translated;
}

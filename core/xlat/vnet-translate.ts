// Translating a packet together with its virtio-net header (core/wire/virtio-net-header.ts), for a
// TUN with offloads: the translator (RFC 7915) stays as it is; this step around it handles what
// the header adds.
//
// - A GSO super-packet (TSO or USO, up to 64 KiB) is translated once, header only: the IP and
//   transport headers are handed to the translator as a packet of their own (its length fields
//   set to match), then the payload is appended and the lengths put back. Every segment the kernel
//   later cuts from it has the same translated headers, which is exactly what translating each
//   segment would have given (RFC 7915 translates headers only; the payload is opaque to it).
//   The header's gso_type follows the family (TCPV4 ↔ TCPV6, UDP_L4 stays), hdr_len and
//   csum_start move by the header size difference (20 ↔ 40), csum_offset stays (16 for TCP, 6 for UDP).
// - A partial checksum (NEEDS_CSUM) holds the pseudo-header sum, not a checksum, so the translator's
//   RFC 1624 update of it is meaningless. In a super-packet the field is written again with the
//   pseudo-header sum of the new addresses (core/wire/partial-checksum.ts) and the packet leaves
//   still partial, for the kernel to finish per segment (tcp_gso_segment adjusts it by each
//   segment's length). A single packet's partial checksum is finished before translation.
// - Segment sizes respect the MTU of the side the packet leaves by: a TCP gso_size shrinks so that
//   IPv6 header + TCP header + gso_size fits the IPv6 MTU (IPv4 → IPv6 adds 20 bytes to every
//   segment: the MSS of the IPv6 side is 20 less), as RFC 7915 §4.1's "the translated packet
//   must fit" asks of each packet. A UDP datagram's size is the application's, so a UDP super-packet
//   that does not fit is segmented in user space (core/xlat/udp-segment.ts) and every datagram
//   goes through the translator as usual (fragments or ICMP Fragmentation Needed, RFC 7915 §4.1).
//
// The header's hdr_len is a hint only (the kernel reports skb_headlen, include/linux/virtio_net.h
// virtio_net_hdr_from_skb), so the header length is read from the packet itself.
//
// Contract: the packet is `b[s, s + n)` with its virtio-net header at `b[s - 10, s)`; `b` is not
// changed (fields patched for the header-only translation are put back). Every output of the
// translator gets a virtio-net header in its headroom (`out.headroomBytes` ≥ 10): a plain one, or
// the translated GSO/partial one. Standard-only and allocation-free, like the translator.

import { adjustChecksum } from '../wire/checksum.js';
import { write16 } from '../wire/bytes.js';
import { fillIpv4HeaderChecksum } from '../wire/ipv4.js';
import * as ipv4HeaderExports from '../wire/ipv4-header.js';
import * as ipv6HeaderExports from '../wire/ipv6-header.js';
import * as transportHeaderExports from '../wire/transport-header.js';
import { protocol } from '../wire/protocol.js';
import { completePartialChecksum, pseudoHeaderSum4, pseudoHeaderSum6 } from '../wire/partial-checksum.js';
import { virtioGsoType, virtioNetFlag, virtioNetHeader, vnetCsumOffset, vnetCsumStart, vnetGsoSize, writePlainVnetHeader, writeVnetHeader } from '../wire/virtio-net-header.js';
import { copyBytes } from './copy-bytes.js';
import type { XlatOutput } from './output.js';
import { dfThresholdBytes } from './translate-64.js';
import type { Translator } from './translator.js';
import { Verdict } from './verdict.js';

// The header views as module constants, so TurboFan inlines their accessors outright (ipv4-header.ts says why).
const ipv4Header = { ...ipv4HeaderExports };
const ipv6Header = { ...ipv6HeaderExports };
const transportHeader = { ...transportHeaderExports };

/** The virtio-net header does not fit the packet (a GSO type for another protocol, no transport header). */
export const vnetMismatch = -1;
/** A UDP super-packet whose datagrams would not fit the other side's MTU: segment it (udp-segment.ts). */
export const vnetNeedsSegmentation = -2;

const tcpChecksumOffset = 16;
const udpChecksumOffset = 6;

/** Where the transport header is and what it is; reused, never allocated per packet. */
class TransportPlace {
  proto = 0;
  /** Offset of the transport header from the IP header. */
  l4 = 0;
  /** Bytes of IP plus transport header, or 0 when the transport header is not all there. */
  headerBytes = 0;
  isFragment = false;

  locate(b: Uint8Array, s: number, n: number): void {
    this.headerBytes = 0;
    this.isFragment = false;
    if (n < 20) return;
    if (ipv4Header.version(b, s) === 4) {
      this.l4 = ipv4Header.headerLength(b, s);
      this.proto = ipv4Header.protocol(b, s);
      this.isFragment = ipv4Header.isFragment(b, s);
    } else {
      // Offloaded IPv6 packets have no extension headers (the kernel's GSO for TCPV6/UDP_L4 needs the
      // transport header right after the fixed one, net/ipv6/ip6_offload.c); anything else is "other".
      this.l4 = 40;
      this.proto = n >= 40 ? ipv6Header.nextHeader(b, s) : -1;
    }
    const l4Header = this.proto === protocol.tcp ? (n >= this.l4 + 13 ? transportHeader.tcpDataOffset(b, s + this.l4) : 0) : this.proto === protocol.udp ? 8 : 0;
    if (l4Header >= 8 && this.l4 + l4Header <= n) this.headerBytes = this.l4 + l4Header;
  }
}

export class VnetTranslation {
  /** How many wire segments the last translation's first output stands for (1 unless GSO). */
  segments = 1;
  /** Of the last GSO packet: offset of its transport header, and its IP + transport header bytes
   * before and after translation (for segmentation and for counting wire bytes). */
  l4 = 0;
  headerBytes = 0;
  outHeaderBytes = 0;
  /** The last input was a single packet whose partial checksum this step finished: the host's own
   * stack built it, so its checksum is right by construction (udp-coalesce.ts relies on that). */
  finishedChecksum = false;
  private readonly place = new TransportPlace();

  /**
   * Translates `b[s, s + n)`, whose virtio-net header is at `b[s - 10]`. Returns a verdict
   * (verdict.ts), or vnetMismatch, or vnetNeedsSegmentation (nothing was written then).
   */
  translate(translator: Translator, b: Uint8Array, s: number, n: number, out: XlatOutput): number {
    const v = s - virtioNetHeader.bytes;
    const gsoType = b[v + virtioNetHeader.gsoType];
    this.segments = 1;
    this.finishedChecksum = false;
    if (gsoType !== virtioGsoType.none) {
      const verdict = this.translateSuperPacket(translator, b, s, n, out, gsoType);
      if (verdict !== Verdict.translated || out.count !== 1) plainHeaders(out);
      return verdict;
    }
    if ((b[v + virtioNetHeader.flags] & virtioNetFlag.needsCsum) !== 0) {
      // A single packet with a partial checksum is finished here, as wireguard-go does for
      // GSO_NONE: it costs one sum over at most an MTU, and the packet is then whole for the
      // translator's RFC 1624 update, for fragments and ICMP errors that quote it, and for traces.
      const csumStart = vnetCsumStart(b, v);
      const csumOffset = vnetCsumOffset(b, v);
      if (csumStart + csumOffset + 2 > n) return vnetMismatch;
      completePartialChecksum(b, s + csumStart, csumOffset, s + n);
      this.finishedChecksum = true;
    }
    const verdict = translator.translateAt(b, s, n, out);
    plainHeaders(out);
    return verdict;
  }

  private translateSuperPacket(translator: Translator, b: Uint8Array, s: number, n: number, out: XlatOutput, gsoType: number): number {
    out.count = 0;
    const v = s - virtioNetHeader.bytes;
    const place = this.place;
    place.locate(b, s, n);
    const isIpv4 = ipv4Header.version(b, s) === 4;
    const kind = gsoType & ~virtioGsoType.ecn;
    const isTcp = kind === (isIpv4 ? virtioGsoType.tcpv4 : virtioGsoType.tcpv6) && place.proto === protocol.tcp;
    const isUdp = kind === virtioGsoType.udpL4 && place.proto === protocol.udp;
    const gsoSize = vnetGsoSize(b, v);
    const headerBytes = place.headerBytes;
    if ((!isTcp && !isUdp) || headerBytes === 0 || place.isFragment || gsoSize === 0 || headerBytes >= n) return vnetMismatch;
    const checksumOffset = isTcp ? tcpChecksumOffset : udpChecksumOffset;
    // The kernel sets NEEDS_CSUM on every GSO packet, at the transport checksum (virtio 1.2 §5.1.6.2).
    if ((b[v + virtioNetHeader.flags] & virtioNetFlag.needsCsum) === 0 || vnetCsumStart(b, v) !== place.l4 || vnetCsumOffset(b, v) !== checksumOffset) {
      return vnetMismatch;
    }

    // Each segment leaves as translated headers + at most gso_size bytes; the other side's MTU bounds it.
    const outHeaderBytes = headerBytes - place.l4 + (isIpv4 ? 40 : 20);
    this.l4 = place.l4;
    this.headerBytes = headerBytes;
    this.outHeaderBytes = outHeaderBytes;
    const config = translator.config;
    // RFC 7915 §4.1: a DF=0 IPv4 packet above the lowest IPv6 MTU would leave as IPv6 fragments.
    // TCP gets segments that need none (the same byte stream); UDP is segmented, then fragmented.
    const dontFragment = isIpv4 && ipv4Header.dontFragment(b, s);
    const mtu = !isIpv4 ? config.mtu.ipv4 : dontFragment ? config.mtu.ipv6 : Math.min(config.mtu.ipv6, config.lowestIpv6Mtu);
    let outGsoSize = gsoSize;
    if (outHeaderBytes + gsoSize > mtu) {
      if (isUdp) return vnetNeedsSegmentation;
      outGsoSize = mtu - outHeaderBytes; // TCP: smaller segments carry the same byte stream
      if (outGsoSize < 8) return vnetMismatch;
    }

    // The headers alone, as a packet: its length field says so for the translator's checks.
    let verdict: number;
    if (isIpv4) {
      const totalLen = ipv4Header.totalLength(b, s);
      const checksum = ipv4Header.headerChecksum(b, s);
      if (totalLen !== n) return vnetMismatch;
      write16(b, s + 2, headerBytes);
      write16(b, s + 10, adjustChecksum(checksum, totalLen, headerBytes));
      verdict = translator.translateAt(b, s, headerBytes, out);
      write16(b, s + 2, totalLen);
      write16(b, s + 10, checksum);
    } else {
      const payloadLen = ipv6Header.payloadLength(b, s);
      if (payloadLen + 40 !== n) return vnetMismatch;
      write16(b, s + 4, headerBytes - 40);
      verdict = translator.translateAt(b, s, headerBytes, out);
      write16(b, s + 4, payloadLen);
    }
    // An error (TTL expired, no mapping) quotes the headers: enough for the sender to match it.
    if (verdict !== Verdict.translated || out.count !== 1) return verdict;

    const o = out.buffer;
    const p = out.start[0];
    if (out.length[0] !== outHeaderBytes) return vnetMismatch; // not the layout predicted above
    const payloadBytes = n - headerBytes;
    const total = outHeaderBytes + payloadBytes;
    // IPv6 → IPv4 grows nothing but cannot hold more than 65535 bytes in Total Length; the TUN's
    // gso_max_size (64 KiB, the IPv6 header included) keeps IPv6 super-packets below that anyway.
    if (p + total > o.length || (!isIpv4 && total > 0xffff)) {
      out.count = 0; // the headers alone must not leave as a packet
      return Verdict.outputTooLarge;
    }
    copyBytes(b, s + headerBytes, o, p + outHeaderBytes, payloadBytes);
    out.length[0] = total;
    const l4 = isIpv4 ? 40 : 20;
    const l4Bytes = total - l4;
    if (isIpv4) {
      write16(o, p + 4, l4Bytes);
      write16(o, p + l4 + checksumOffset, pseudoHeaderSum6(o, p, place.proto, l4Bytes));
    } else {
      write16(o, p + 2, total);
      // RFC 7915 §5.1 per segment, as the kernel will cut them (a last, shorter one keeps the flags).
      if (outHeaderBytes + outGsoSize > dfThresholdBytes) {
        write16(o, p + 4, 0); // RFC 6864 §4.1: atomic datagrams
        write16(o, p + 6, 0x4000);
      }
      fillIpv4HeaderChecksum(o, p, 20);
      write16(o, p + l4 + checksumOffset, pseudoHeaderSum4(o, p, place.proto, l4Bytes));
    }
    const outType = isUdp ? virtioGsoType.udpL4 : (isIpv4 ? virtioGsoType.tcpv6 : virtioGsoType.tcpv4) | (gsoType & virtioGsoType.ecn);
    writeVnetHeader(o, p - virtioNetHeader.bytes, virtioNetFlag.needsCsum, outType, outHeaderBytes, outGsoSize, l4, checksumOffset);
    this.segments = Math.ceil(payloadBytes / outGsoSize);
    return Verdict.translated;
  }
}

/** Every output leaves whole: a header that asks nothing of the kernel. */
export function plainHeaders(out: XlatOutput): void {
  for (let i = 0; i < out.count; i++) writePlainVnetHeader(out.buffer, out.start[i] - virtioNetHeader.bytes);
}

// Where an IP packet's layers are, for readers of packets that may be cut short (trace snapshots
// keep only a packet's first bytes) or be junk: the version, the addresses, a fragment, and the
// upper-layer protocol and header after any IPv6 extension headers. Unlike the translator, which
// validates a packet before it translates it, this reads whatever is there and says what is
// missing; it never reads past `end` and never throws.
//
// One object is reused for every packet: `locate` overwrites every field.

import { read16, read32 } from './bytes.js';
import { ipv4 } from './ipv4.js';
import { fragmentHeader, ipv6 } from './ipv6.js';
import { protocol } from './protocol.js';

/** IPsec AH (RFC 4302): an extension header whose length is in 4-byte units (§2.2). */
const protocolAh = 51;

export class PacketLayers {
  /** 4 or 6; 0 when the first byte is missing or names another version. */
  version = 0;
  /** The IP header (IPv4 with options; the fixed IPv6 header) is complete in the bytes. */
  hasIpHeader = false;
  /** Length of the packet by its header (IPv4 Total Length; IPv6 40 + Payload Length), whatever was kept. */
  totalBytes = 0;
  /** IPv4 header length (IHL × 4) or 40. */
  ipHeaderBytes = 0;
  /** The packet is a fragment: IPv4 MF or a non-zero offset, or an IPv6 Fragment header (atomic ones too). */
  isFragment = false;
  fragmentOffsetBytes = 0;
  moreFragments = false;
  fragmentId = 0;
  /** Bytes of this fragment's share of the datagram (what the offset counts), by the header. */
  fragmentBytes = 0;
  /** Upper-layer protocol (IPv4 Protocol; the last IPv6 Next Header); -1 when the IPv6 chain is cut. */
  protocol = -1;
  /** Offset of the upper-layer header; -1 when it is not in this packet (cut, or a later fragment). */
  transportAt = -1;

  /** Reads the packet at `bytes[start, end)`; returns `hasIpHeader`. */
  locate(bytes: Uint8Array, start: number, end: number): boolean {
    this.version = 0;
    this.hasIpHeader = false;
    this.totalBytes = 0;
    this.ipHeaderBytes = 0;
    this.isFragment = false;
    this.fragmentOffsetBytes = 0;
    this.moreFragments = false;
    this.fragmentId = 0;
    this.fragmentBytes = 0;
    this.protocol = -1;
    this.transportAt = -1;
    if (end > bytes.length) end = bytes.length;
    if (start < 0 || start >= end) return false;
    const version = bytes[start] >> 4;
    if (version === 4) this.locate4(bytes, start, end);
    else if (version === 6) this.locate6(bytes, start, end);
    return this.hasIpHeader;
  }

  private locate4(b: Uint8Array, start: number, end: number): void {
    this.version = 4;
    this.ipHeaderBytes = (b[start] & 0x0f) * 4;
    if (end - start < ipv4.minHeaderBytes || this.ipHeaderBytes < ipv4.minHeaderBytes) return;
    this.totalBytes = read16(b, start + ipv4.totalLen);
    const flags = read16(b, start + ipv4.flagsFragOffset);
    this.fragmentOffsetBytes = (flags & ipv4.fragOffsetMask) * 8;
    this.moreFragments = (flags & ipv4.flagMf) !== 0;
    this.isFragment = this.moreFragments || this.fragmentOffsetBytes > 0;
    this.fragmentId = read16(b, start + ipv4.identification);
    this.fragmentBytes = Math.max(0, this.totalBytes - this.ipHeaderBytes);
    this.protocol = b[start + ipv4.protocol];
    if (end - start < this.ipHeaderBytes) return;
    this.hasIpHeader = true;
    if (this.fragmentOffsetBytes === 0) this.transportAt = start + this.ipHeaderBytes;
  }

  private locate6(b: Uint8Array, start: number, end: number): void {
    this.version = 6;
    this.ipHeaderBytes = ipv6.headerBytes;
    if (end - start < ipv6.headerBytes) return;
    this.hasIpHeader = true;
    this.totalBytes = ipv6.headerBytes + read16(b, start + ipv6.payloadLen);
    let next = b[start + ipv6.nextHeader];
    let at = start + ipv6.headerBytes;
    // Every extension header is at least 8 bytes, so the walk ends within the bytes kept.
    for (;;) {
      if (next === protocol.fragment) {
        if (end - at < ipv6.fragmentHeaderBytes) return;
        const offsetFlags = read16(b, at + fragmentHeader.offsetFlags);
        this.isFragment = true;
        this.fragmentOffsetBytes = offsetFlags & fragmentHeader.offsetMask;
        this.moreFragments = (offsetFlags & fragmentHeader.flagM) !== 0;
        this.fragmentId = read32(b, at + fragmentHeader.identification);
        next = b[at + fragmentHeader.nextHeader];
        at += ipv6.fragmentHeaderBytes;
        this.fragmentBytes = Math.max(0, start + this.totalBytes - at);
      } else if (next === protocol.hopByHop || next === protocol.routing || next === protocol.destinationOptions || next === protocolAh) {
        if (end - at < 2) return;
        const length = next === protocolAh ? (b[at + 1] + 2) * 4 : (b[at + 1] + 1) * 8;
        next = b[at];
        at += length;
      } else {
        break;
      }
    }
    this.protocol = next;
    if (this.fragmentOffsetBytes === 0 && at <= end) this.transportAt = at;
  }
}

// Coalescing IPv6 UDP datagrams into one USO super-packet (virtio GSO_UDP_L4) before they are
// written to the TUN: the reverse of udp-segment.ts, as wireguard-go's udpGRO does on its TUN
// writes (tun/offload_linux.go). One write, one route lookup and one trip through the forwarding
// path then carry up to 64 datagrams; the kernel cuts them apart again (__udp_gso_segment,
// net/ipv4/udp_offload.c) where a device cannot take the super-packet, each exactly as it was.
//
// What may join (the kernel's own UDP GRO rules, net/ipv6/udp_offload.c → udp_gro_receive):
// the same addresses, ports, traffic class, flow label and hop limit; no extension headers; every
// datagram but the last exactly gso_size bytes of payload, the last no longer (a shorter one closes
// the group); at most 64 segments (UDP_MAX_SEGMENTS before Linux 6.10) and 64 KiB.
//
// Checksums: the super-packet carries the partial checksum the segmenter expects (the pseudo-header
// sum for the UDP length in its header, core/wire/partial-checksum.ts), so every datagram's checksum
// is computed anew from its bytes. Only datagrams whose checksum the engine itself finished (they
// came from the host's stack with NEEDS_CSUM) may join: a datagram with a wrong checksum must reach
// its receiver with that wrong checksum, not with a new right one.
//
// Layout: the group is `b[g, g + length)` with its virtio-net header at `b[g - 10]`; appended
// payloads go at its end, so the caller keeps room after it. Standard-only, allocation-free.

import { copyBytes } from './copy-bytes.js';
import { write16 } from '../wire/bytes.js';
import * as ipv6HeaderExports from '../wire/ipv6-header.js';
import * as transportHeaderExports from '../wire/transport-header.js';
import { protocol } from '../wire/protocol.js';
import { pseudoHeaderSum6 } from '../wire/partial-checksum.js';
import { virtioGsoType, virtioNetFlag, virtioNetHeader, writeVnetHeader } from '../wire/virtio-net-header.js';

// The header views as module constants, so TurboFan inlines their accessors outright (ipv4-header.ts says why).
const ipv6Header = { ...ipv6HeaderExports };
const transportHeader = { ...transportHeaderExports };

/** UDP_MAX_SEGMENTS (include/linux/udp.h) before Linux 6.10 raised it to 128. */
export const maxCoalescedSegments = 64;
const udpHeaderOffset = 40;
const headerBytes = 48;

/** The UDP payload bytes of an IPv6 datagram that could start or join a group, or -1. */
export function coalescableUdp6Payload(b: Uint8Array, q: number, length: number): number {
  if (length < headerBytes || ipv6Header.version(b, q) !== 6 || ipv6Header.nextHeader(b, q) !== protocol.udp) return -1;
  if (ipv6Header.payloadLength(b, q) !== length - 40 || transportHeader.udpLength(b, q + udpHeaderOffset) !== length - 40) return -1;
  const payload = length - headerBytes;
  return payload > 0 ? payload : -1;
}

/**
 * Whether the datagram `b[q, q + length)` (with `payload` bytes, from coalescableUdp6Payload) may
 * join the group at `g` of `segments` datagrams of `gsoSize` bytes each, `groupLength` bytes in all.
 */
export function canJoinUdp6(b: Uint8Array, g: number, groupLength: number, segments: number, gsoSize: number, q: number, payload: number): boolean {
  if (segments >= maxCoalescedSegments || payload > gsoSize || groupLength - 40 + payload > 0xffff) return false;
  // Version, traffic class, flow label (bytes 0–3); next header and hop limit (6–7); addresses (8–39); ports (40–43).
  for (let k = 0; k < 4; k++) if (b[g + k] !== b[q + k]) return false;
  if (b[g + 6] !== b[q + 6] || b[g + 7] !== b[q + 7]) return false;
  for (let k = 8; k < 44; k++) if (b[g + k] !== b[q + k]) return false;
  return true;
}

/**
 * Appends the payload of datagram `b[q, q + length)` to the group at `g`, fixes the group's
 * lengths, partial checksum and virtio-net header (UDP_L4, `gsoSize`), and returns its new length.
 */
export function joinUdp6(b: Uint8Array, g: number, groupLength: number, gsoSize: number, q: number, length: number): number {
  const payload = length - headerBytes;
  copyBytes(b, q + headerBytes, b, g + groupLength, payload);
  const total = groupLength + payload;
  const udpBytes = total - 40;
  write16(b, g + 4, udpBytes);
  write16(b, g + udpHeaderOffset + 4, udpBytes);
  write16(b, g + udpHeaderOffset + 6, pseudoHeaderSum6(b, g, protocol.udp, udpBytes));
  writeVnetHeader(b, g - virtioNetHeader.bytes, virtioNetFlag.needsCsum, virtioGsoType.udpL4, headerBytes, gsoSize, udpHeaderOffset, 6);
  return total;
}

// Coalescing translated IPv4 TCP segments of one flow into one TSO super-packet (virtio
// GSO_TCPV4) before they are written to the TUN, on the return path (IPv6 → IPv4, towards the
// host): what GRO does on a NIC's receive path (net/ipv4/tcp_offload.c → tcp_gro_receive), and
// what wireguard-go's tcpGRO does on its TUN writes (tun/offload_linux.go). The host's TCP then
// takes a download in 64 KiB pieces instead of 1.4 KiB ones: one write, one trip up the stack.
//
// What may join (tcp_gro_receive's flush rules): the same addresses, ports, TOS, DF and TTL; the
// next sequence number; the same acknowledgment number, header length and options (timestamps
// included); flags ACK and PSH only, PSH ending the group (GRO ORs it into the super-packet's
// header); every segment but the last exactly gso_size bytes of payload, the last no longer.
// A group stays within 64 KiB.
//
// Checksums: the super-packet carries a partial checksum (the pseudo-header sum for its TCP length,
// core/wire/partial-checksum.ts), which the host's stack takes as verified (CHECKSUM_PARTIAL), so a
// segment joins only after its own checksum was checked here: a segment damaged on the way must
// still be dropped by the host, not delivered with a new right checksum.
//
// Layout: the group is `b[g, g + length)` with its virtio-net header at `b[g - 10]`; appended
// payloads go at its end, so the caller keeps room after it. Standard-only, allocation-free.

import { copyBytes } from './copy-bytes.js';
import { checksumIsValid, sumWords } from '../wire/checksum.js';
import { read16, read32, write16 } from '../wire/bytes.js';
import { fillIpv4HeaderChecksum } from '../wire/ipv4.js';
import { protocol } from '../wire/protocol.js';
import { pseudoHeaderSum4 } from '../wire/partial-checksum.js';
import { virtioGsoType, virtioNetFlag, virtioNetHeader, writeVnetHeader } from '../wire/virtio-net-header.js';

const tcpFlagPsh = 0x08;
const tcpFlagAck = 0x10;
/** The translator writes IPv4 headers without options. */
const l4 = 20;

/** Bytes of IPv4 and TCP header of a segment that could start or join a group (data, ACK and at most PSH), or -1. */
export function coalescableTcp4Headers(b: Uint8Array, q: number, length: number): number {
  if (length < 40 || b[q] !== 0x45 || b[q + 9] !== protocol.tcp || read16(b, q + 2) !== length) return -1;
  if ((read16(b, q + 6) & 0x3fff) !== 0) return -1; // a fragment
  const headerBytes = l4 + ((b[q + l4 + 12] >> 4) << 2);
  if (headerBytes < 40 || headerBytes >= length) return -1; // no payload: pure ACKs are not coalesced
  if ((b[q + l4 + 13] & ~tcpFlagPsh) !== tcpFlagAck || (b[q + l4 + 12] & 0x0f) !== 0) return -1;
  return headerBytes;
}

/** Whether the TCP checksum of the IPv4 segment `b[q, q + length)` is right (RFC 9293 §3.1). */
export function tcp4ChecksumIsValid(b: Uint8Array, q: number, length: number): boolean {
  return checksumIsValid(sumWords(b, q + l4, q + length, pseudoHeaderSum4(b, q, protocol.tcp, length - l4)));
}

/**
 * Whether segment `b[q, q + length)` (headers `headerBytes`, from coalescableTcp4Headers) may join
 * the group at `g` (`groupLength` bytes, same header length) whose segments carry `gsoSize` bytes.
 */
export function canJoinTcp4(b: Uint8Array, g: number, groupLength: number, gsoSize: number, q: number, length: number, headerBytes: number): boolean {
  const payload = length - headerBytes;
  if (payload > gsoSize || groupLength + payload > 0xffff) return false;
  if (b[g + 1] !== b[q + 1] || (b[g + 6] & 0x40) !== (b[q + 6] & 0x40) || b[g + 8] !== b[q + 8]) return false; // TOS, DF, TTL
  for (let k = 12; k < 20; k++) if (b[g + k] !== b[q + k]) return false; // addresses
  const t = g + l4;
  const u = q + l4;
  if (b[t + 12] !== b[u + 12] || (b[t + 13] & tcpFlagPsh) !== 0) return false; // header length; PSH closed the group
  for (let k = 0; k < 4; k++) if (b[t + k] !== b[u + k]) return false; // ports
  if (((read32(b, t + 4) + (groupLength - headerBytes)) >>> 0) !== read32(b, u + 4)) return false; // in sequence
  for (let k = 8; k < 12; k++) if (b[t + k] !== b[u + k]) return false; // acknowledgment number
  for (let k = 20; k < headerBytes - l4; k++) if (b[t + k] !== b[u + k]) return false; // options
  return true;
}

/**
 * Appends the payload of segment `b[q, q + length)` to the group at `g` and fixes the group's
 * length, header checksum, PSH, partial checksum and virtio-net header (TCPV4, `gsoSize`).
 * Returns the group's new length.
 */
export function joinTcp4(b: Uint8Array, g: number, groupLength: number, gsoSize: number, q: number, length: number, headerBytes: number): number {
  const payload = length - headerBytes;
  copyBytes(b, q + headerBytes, b, g + groupLength, payload);
  const total = groupLength + payload;
  write16(b, g + 2, total);
  fillIpv4HeaderChecksum(b, g, l4);
  b[g + l4 + 13] |= b[q + l4 + 13] & tcpFlagPsh;
  write16(b, g + l4 + 16, pseudoHeaderSum4(b, g, protocol.tcp, total - l4));
  writeVnetHeader(b, g - virtioNetHeader.bytes, virtioNetFlag.needsCsum, virtioGsoType.tcpv4, headerBytes, gsoSize, l4, 16);
  return total;
}

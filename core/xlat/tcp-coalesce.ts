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
import { write16 } from '../wire/bytes.js';
import { fillIpv4HeaderChecksum } from '../wire/ipv4.js';
import * as ipv4HeaderExports from '../wire/ipv4-header.js';
import * as transportHeaderExports from '../wire/transport-header.js';
import { protocol } from '../wire/protocol.js';
import { pseudoHeaderSum4 } from '../wire/partial-checksum.js';
import { virtioGsoType, virtioNetFlag, virtioNetHeader, writeVnetHeader } from '../wire/virtio-net-header.js';

// The header views as module constants, so TurboFan inlines their accessors outright (ipv4-header.ts says why).
const ipv4Header = { ...ipv4HeaderExports };
const transportHeader = { ...transportHeaderExports };

const tcpFlagPsh = transportHeader.tcpFlag.psh;
const tcpFlagAck = transportHeader.tcpFlag.ack;
/** The translator writes IPv4 headers without options. */
const l4 = 20;

/** Bytes of IPv4 and TCP header of a segment that could start or join a group (data, ACK and at most PSH), or -1. */
export function coalescableTcp4Headers(b: Uint8Array, q: number, length: number): number {
  if (length < 40 || b[q] !== 0x45 || ipv4Header.protocol(b, q) !== protocol.tcp || ipv4Header.totalLength(b, q) !== length) return -1; // 0x45: IPv4, no options
  if (ipv4Header.isFragment(b, q)) return -1;
  const headerBytes = l4 + transportHeader.tcpDataOffset(b, q + l4);
  if (headerBytes < 40 || headerBytes >= length) return -1; // no payload: pure ACKs are not coalesced
  // Only ACK, with or without PSH; and the 4 reserved bits after Data Offset clear (RFC 9293 §3.1).
  if ((transportHeader.tcpControlBits(b, q + l4) & ~tcpFlagPsh) !== tcpFlagAck || (b[q + l4 + 12] & 0x0f) !== 0) return -1;
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
  if (ipv4Header.typeOfService(b, g) !== ipv4Header.typeOfService(b, q) || ipv4Header.dontFragment(b, g) !== ipv4Header.dontFragment(b, q)) return false;
  if (ipv4Header.timeToLive(b, g) !== ipv4Header.timeToLive(b, q)) return false;
  if (ipv4Header.sourceInt32(b, g) !== ipv4Header.sourceInt32(b, q) || ipv4Header.destinationInt32(b, g) !== ipv4Header.destinationInt32(b, q)) return false;
  const t = g + l4;
  const u = q + l4;
  // The same header length (Data Offset and the reserved bits); PSH closed the group.
  if (b[t + 12] !== b[u + 12] || (transportHeader.tcpControlBits(b, t) & tcpFlagPsh) !== 0) return false;
  if (transportHeader.sourcePort(b, t) !== transportHeader.sourcePort(b, u) || transportHeader.destinationPort(b, t) !== transportHeader.destinationPort(b, u)) return false;
  const nextSequence = (transportHeader.tcpSequenceNumber(b, t) + (groupLength - headerBytes)) >>> 0;
  if (nextSequence !== transportHeader.tcpSequenceNumber(b, u)) return false; // in sequence
  if (transportHeader.tcpAcknowledgmentNumber(b, t) !== transportHeader.tcpAcknowledgmentNumber(b, u)) return false;
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

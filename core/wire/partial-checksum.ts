// Partial transport checksums, as a TUN with TUN_F_CSUM hands them out and takes them in
// (virtio-net VIRTIO_NET_HDR_F_NEEDS_CSUM; the kernel's CHECKSUM_PARTIAL, include/linux/skbuff.h
// "CHECKSUM_PARTIAL"). The TCP or UDP checksum field does not hold the checksum but the folded sum
// of the pseudo-header (RFC 9293 §3.1, RFC 768; RFC 8200 §8.1 for IPv6), not complemented: what
// tcp_v4_send_check / udp4_hwcsum and their IPv6 twins store (`~tcp_v4_check(len, s, d, 0)`).
// Whoever finishes it sums the bytes from csum_start to the end, field included, and stores the
// complement. When a translator changes the addresses, the pseudo-header sum is simply computed
// again for the new ones: the transport bytes are unchanged and the length is the same on both sides.

import { foldSum, finishChecksum, sumWords } from './checksum.js';
import { write16 } from './bytes.js';

/** Folded pseudo-header sum of an IPv4 header at `ip` for `l4Bytes` of protocol `proto` (RFC 9293 §3.1). */
export function pseudoHeaderSum4(b: Uint8Array, ip: number, proto: number, l4Bytes: number): number {
  return foldSum(sumWords(b, ip + 12, ip + 20) + proto + l4Bytes);
}

/**
 * Folded pseudo-header sum of an IPv6 header at `ip` (RFC 8200 §8.1: the 32-bit upper-layer length,
 * three zero bytes and the next header). Lengths of IPv4 origin stay below 2^16, but the high word is
 * added all the same.
 */
export function pseudoHeaderSum6(b: Uint8Array, ip: number, proto: number, l4Bytes: number): number {
  return foldSum(sumWords(b, ip + 8, ip + 40) + Math.floor(l4Bytes / 0x10000) + (l4Bytes & 0xffff) + proto);
}

/**
 * Finishes a partial checksum the way a NIC does (virtio 1.2 §5.1.6.2): sums `b[csumStart, end)`
 * (the field holds the pseudo-header sum), complements, stores at `csumStart + csumOffset`. UDP's
 * 0 is sent as 0xffff (RFC 768: 0 means "no checksum"); for TCP both are the same value.
 */
export function completePartialChecksum(b: Uint8Array, csumStart: number, csumOffset: number, end: number): void {
  const sum = sumWords(b, csumStart, end);
  const checksum = finishChecksum(sum);
  write16(b, csumStart + csumOffset, checksum === 0 ? 0xffff : checksum);
}

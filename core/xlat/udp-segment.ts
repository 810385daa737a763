// User-space UDP segmentation (USO, virtio GSO_UDP_L4): what the kernel's __udp_gso_segment
// (net/ipv4/udp_offload.c) does to a UDP super-packet, for the one case the CLAT cannot leave to
// the kernel: datagrams that would not fit the other side's MTU once translated. Each datagram is
// then translated on its own, so RFC 7915 §4.1 applies to it as to any other (IPv6 fragments for
// DF=0, ICMP Fragmentation Needed for DF=1).
//
// A super-packet is headers (IP and UDP, `headerBytes`) then a payload cut into `gsoSize` pieces,
// the last one shorter. Datagram k gets a copy of the headers with its own lengths, IPv4
// Identification + k (as the kernel numbers them), and a complete UDP checksum: the super-packet's
// checksum field held only a partial sum (NEEDS_CSUM), so it is computed in full here (RFC 768).
// Standard-only, allocation-free.

import { finishChecksum, sumWords } from '../wire/checksum.js';
import { write16 } from '../wire/bytes.js';
import * as ipv4HeaderExports from '../wire/ipv4-header.js';
import { fillIpv4HeaderChecksum } from '../wire/ipv4.js';
import { protocol } from '../wire/protocol.js';
import { pseudoHeaderSum4, pseudoHeaderSum6 } from '../wire/partial-checksum.js';
import { copyBytes } from './copy-bytes.js';
import { udpChecksumToSend } from './transport-fix.js';

// The header views as module constants, so TurboFan inlines their accessors outright (ipv4-header.ts says why).
const ipv4Header = { ...ipv4HeaderExports };

/** How many datagrams a super-packet of `n` bytes holds. */
export function udpSegmentCount(n: number, headerBytes: number, gsoSize: number): number {
  return Math.ceil((n - headerBytes) / gsoSize);
}

/**
 * Writes datagram `index` of the UDP super-packet `b[s, s + n)` (its UDP header at `s + l4`,
 * `headerBytes` = l4 + 8) to `dst[d]`, and returns its length. `dst` must not overlap the source.
 */
export function writeUdpSegment(
  b: Uint8Array, s: number, n: number, l4: number, gsoSize: number, index: number, dst: Uint8Array, d: number,
): number {
  const headerBytes = l4 + 8;
  const offset = index * gsoSize;
  const pieceBytes = Math.min(gsoSize, n - headerBytes - offset);
  const length = headerBytes + pieceBytes;
  copyBytes(b, s, dst, d, headerBytes);
  copyBytes(b, s + headerBytes + offset, dst, d + headerBytes, pieceBytes);
  const udpBytes = 8 + pieceBytes;
  write16(dst, d + l4 + 4, udpBytes);
  write16(dst, d + l4 + 6, 0);
  let pseudo: number;
  if (ipv4Header.version(dst, d) === 4) {
    write16(dst, d + 2, length);
    write16(dst, d + 4, (ipv4Header.identification(b, s) + index) & 0xffff);
    fillIpv4HeaderChecksum(dst, d, l4);
    pseudo = pseudoHeaderSum4(dst, d, protocol.udp, udpBytes);
  } else {
    write16(dst, d + 4, length - 40);
    pseudo = pseudoHeaderSum6(dst, d, protocol.udp, udpBytes);
  }
  const checksum = finishChecksum(sumWords(dst, d + l4, d + length, pseudo));
  write16(dst, d + l4 + 6, udpChecksumToSend(checksum));
  return length;
}

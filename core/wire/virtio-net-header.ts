// struct virtio_net_hdr (virtio 1.2 §5.1.6 "Device Operation"; include/uapi/linux/virtio_net.h),
// the 10 bytes a TUN opened with IFF_VNET_HDR puts before every packet it hands out and expects
// before every packet it takes. The 16-bit fields are little-endian: the TUN is set so with
// TUNSETVNETLE (core/tun/native/tun-offload.c).
//
//    0        1        2        3        4        5        6        7        8        9
//   +--------+--------+--------+--------+--------+--------+--------+--------+--------+--------+
//   | flags  |gso_type|     hdr_len     |    gso_size     |   csum_start    |   csum_offset   |
//   +--------+--------+--------+--------+--------+--------+--------+--------+--------+--------+
//
// flags NEEDS_CSUM: the transport checksum is partial: the bytes from csum_start to the end are
// still to be summed, and the field at csum_start + csum_offset holds the sum of the pseudo-header
// (not complemented) to start from (virtio 1.2 §5.1.6.2; the kernel's CHECKSUM_PARTIAL).
// gso_type other than NONE: a super-packet of up to 64 KiB whose payload is cut into gso_size
// pieces, each behind a copy of the first hdr_len bytes (IP and transport headers), on the way out
// (virtio 1.2 §5.1.6.2.1; net/ipv4/tcp_offload.c, net/ipv4/udp_offload.c).

export const virtioNetHeader = {
  flags: 0,
  gsoType: 1,
  hdrLen: 2,
  gsoSize: 4,
  csumStart: 6,
  csumOffset: 8,
  /** sizeof(struct virtio_net_hdr), without the num_buffers of VIRTIO_NET_F_MRG_RXBUF. */
  bytes: 10,
} as const;

export const virtioNetFlag = {
  needsCsum: 1,
  dataValid: 2,
} as const;

export const virtioGsoType = {
  none: 0,
  tcpv4: 1,
  /** UFO (fragmenting UDP): the kernel no longer produces it; we do not ask for it (TUN_F_UFO). */
  udp: 3,
  tcpv6: 4,
  /** USO: UDP segmentation, each piece its own datagram (Linux 6.2; TUN_F_USO4/USO6). */
  udpL4: 5,
  /** Bit set with TCPV4/TCPV6 when the TCP header has CWR set (RFC 3168 across segments). */
  ecn: 0x80,
} as const;

/** Reads the little-endian 16-bit field at `offset`. */
function readLe16(bytes: Uint8Array, offset: number): number {
  return bytes[offset] | (bytes[offset + 1] << 8);
}

function writeLe16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = value >>> 8;
}

/** A view of the header at `offset`: plain getters and setters, no copy, no validation. */
export function vnetFlags(bytes: Uint8Array, offset: number): number {
  return bytes[offset + virtioNetHeader.flags];
}

export function vnetGsoType(bytes: Uint8Array, offset: number): number {
  return bytes[offset + virtioNetHeader.gsoType];
}

export function vnetHdrLen(bytes: Uint8Array, offset: number): number {
  return readLe16(bytes, offset + virtioNetHeader.hdrLen);
}

export function vnetGsoSize(bytes: Uint8Array, offset: number): number {
  return readLe16(bytes, offset + virtioNetHeader.gsoSize);
}

export function vnetCsumStart(bytes: Uint8Array, offset: number): number {
  return readLe16(bytes, offset + virtioNetHeader.csumStart);
}

export function vnetCsumOffset(bytes: Uint8Array, offset: number): number {
  return readLe16(bytes, offset + virtioNetHeader.csumOffset);
}

export interface VirtioNetHeaderFields {
  readonly flags: number;
  readonly gsoType: number;
  readonly hdrLen: number;
  readonly gsoSize: number;
  readonly csumStart: number;
  readonly csumOffset: number;
}

/** Writes all six fields (the hot path writes them one by one with writeVnetHeader). */
export function encodeVnetHeader(bytes: Uint8Array, offset: number, fields: VirtioNetHeaderFields): void {
  writeVnetHeader(bytes, offset, fields.flags, fields.gsoType, fields.hdrLen, fields.gsoSize, fields.csumStart, fields.csumOffset);
}

export function decodeVnetHeader(bytes: Uint8Array, offset: number): VirtioNetHeaderFields {
  return {
    flags: vnetFlags(bytes, offset),
    gsoType: vnetGsoType(bytes, offset),
    hdrLen: vnetHdrLen(bytes, offset),
    gsoSize: vnetGsoSize(bytes, offset),
    csumStart: vnetCsumStart(bytes, offset),
    csumOffset: vnetCsumOffset(bytes, offset),
  };
}

/** Allocation-free form of encodeVnetHeader. */
export function writeVnetHeader(
  bytes: Uint8Array, offset: number, flags: number, gsoType: number, hdrLen: number, gsoSize: number, csumStart: number, csumOffset: number,
): void {
  bytes[offset + virtioNetHeader.flags] = flags;
  bytes[offset + virtioNetHeader.gsoType] = gsoType;
  writeLe16(bytes, offset + virtioNetHeader.hdrLen, hdrLen);
  writeLe16(bytes, offset + virtioNetHeader.gsoSize, gsoSize);
  writeLe16(bytes, offset + virtioNetHeader.csumStart, csumStart);
  writeLe16(bytes, offset + virtioNetHeader.csumOffset, csumOffset);
}

/** A header that asks nothing: a whole packet with its checksums complete. */
export function writePlainVnetHeader(bytes: Uint8Array, offset: number): void {
  bytes.fill(0, offset, offset + virtioNetHeader.bytes);
}

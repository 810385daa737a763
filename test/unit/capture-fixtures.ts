// Hand-built capture files for the capture and CLI tests: every byte laid out here, independently of
// the writer under test, in either byte order.

import { concat } from './packet-builder.js';

export { concat };

/** Accumulates fields in one byte order. */
export class ByteBuilder {
  private readonly parts: number[] = [];

  constructor(readonly littleEndian = true) {}

  u8(value: number): this {
    this.parts.push(value & 0xff);
    return this;
  }

  u16(value: number): this {
    const hi = (value >> 8) & 0xff;
    const lo = value & 0xff;
    if (this.littleEndian) this.parts.push(lo, hi);
    else this.parts.push(hi, lo);
    return this;
  }

  u32(value: number): this {
    const bytes = [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
    this.parts.push(...(this.littleEndian ? bytes.reverse() : bytes));
    return this;
  }

  u64(value: bigint): this {
    const high = Number((value >> 32n) & 0xffffffffn);
    const low = Number(value & 0xffffffffn);
    return this.littleEndian ? this.u32(low).u32(high) : this.u32(high).u32(low);
  }

  /** A pcapng timestamp: the high 32 bits first, each half in the builder's byte order. */
  timestamp(units: bigint): this {
    return this.u32(Number(units >> 32n)).u32(Number(units & 0xffffffffn));
  }

  bytes(data: ArrayLike<number>): this {
    for (let i = 0; i < data.length; i++) this.parts.push(data[i]);
    return this;
  }

  pad4(): this {
    while (this.parts.length % 4 !== 0) this.parts.push(0);
    return this;
  }

  get length(): number {
    return this.parts.length;
  }

  build(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** One's complement sum of 16-bit words (RFC 1071), folded, not inverted. */
function sum16(bytes: ArrayLike<number>, start: number, end: number, initial = 0): number {
  let sum = initial;
  for (let i = start; i < end; i += 2) sum += (bytes[i] << 8) | (i + 1 < end ? bytes[i + 1] : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** Fills in the UDP checksum at `udp` over the given pseudo-header sum. */
function setUdpChecksum(p: Uint8Array, udp: number, pseudoSum: number): void {
  const checksum = ~sum16(p, udp, p.length, pseudoSum) & 0xffff || 0xffff;
  p[udp + 6] = checksum >> 8;
  p[udp + 7] = checksum & 0xff;
}

/** A minimal IPv4 UDP packet, both checksums valid, with `payloadBytes` of payload. */
export function ipv4Udp(payloadBytes = 4, ttl = 64, marker = 0): Uint8Array {
  const total = 20 + 8 + payloadBytes;
  const p = new Uint8Array(total);
  p.set([0x45, 0, total >> 8, total & 0xff, 0, marker, 0x40, 0, ttl, 17, 0, 0, 192, 0, 2, 1, 198, 51, 100, 2]);
  const checksum = ~sum16(p, 0, 20) & 0xffff;
  p[10] = checksum >> 8;
  p[11] = checksum & 0xff;
  p.set([0x30, 0x39, 0x9c, 0x40, 0, 8 + payloadBytes, 0, 0], 20);
  for (let i = 0; i < payloadBytes; i++) p[28 + i] = (marker + i) & 0xff;
  setUdpChecksum(p, 20, sum16(p, 12, 20, 17 + 8 + payloadBytes));
  return p;
}

/** A minimal IPv6 UDP packet, checksum valid, with `payloadBytes` of payload. */
export function ipv6Udp(payloadBytes = 4, marker = 0): Uint8Array {
  const p = new Uint8Array(40 + 8 + payloadBytes);
  p[0] = 0x60;
  p[4] = (8 + payloadBytes) >> 8;
  p[5] = (8 + payloadBytes) & 0xff;
  p[6] = 17;
  p[7] = 64;
  p.set([0x20, 0x01, 0x0d, 0xb8], 8);
  p[23] = 1;
  p.set([0x20, 0x01, 0x0d, 0xb8], 24);
  p[39] = 2;
  p.set([0x30, 0x39, 0x9c, 0x40, 0, 8 + payloadBytes, 0, 0], 40);
  for (let i = 0; i < payloadBytes; i++) p[48 + i] = (marker + i) & 0xff;
  setUdpChecksum(p, 40, sum16(p, 8, 40, 17 + 8 + payloadBytes));
  return p;
}

export interface PcapRecord {
  readonly seconds: number;
  /** Microseconds or nanoseconds, by the file's magic. */
  readonly fraction: number;
  readonly data: Uint8Array;
  /** Stored captured length, when it should lie. */
  readonly capturedBytes?: number;
}

export function pcapFile(options: {
  littleEndian?: boolean;
  nanoseconds?: boolean;
  linkType?: number;
  snapLength?: number;
  records: PcapRecord[];
}): Uint8Array {
  const b = new ByteBuilder(options.littleEndian ?? true);
  b.u32(options.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0);
  b.u32(options.snapLength ?? 262144).u32(options.linkType ?? 101);
  for (const r of options.records) {
    b.u32(r.seconds).u32(r.fraction).u32(r.capturedBytes ?? r.data.length).u32(r.data.length).bytes(r.data);
  }
  return b.build();
}

/** One pcapng block: type, total length, body padded to 4, total length. */
export function block(littleEndian: boolean, type: number, body: Uint8Array): Uint8Array {
  const padded = body.length + ((4 - (body.length % 4)) % 4);
  const b = new ByteBuilder(littleEndian);
  b.u32(type).u32(12 + padded).bytes(body).pad4().u32(12 + padded);
  return b.build();
}

export interface Option {
  readonly code: number;
  readonly value: Uint8Array;
}

export function options(littleEndian: boolean, list: Option[]): Uint8Array {
  if (list.length === 0) return new Uint8Array(0);
  const b = new ByteBuilder(littleEndian);
  for (const { code, value } of list) b.u16(code).u16(value.length).bytes(value).pad4();
  b.u16(0).u16(0);
  return b.build();
}

export function shb(littleEndian: boolean, major = 1): Uint8Array {
  const body = new ByteBuilder(littleEndian).u32(0x1a2b3c4d).u16(major).u16(0).u64(-1n & 0xffffffffffffffffn);
  return block(littleEndian, 0x0a0d0d0a, body.build());
}

export function idb(
  littleEndian: boolean,
  linkType: number,
  opts: { tsresol?: number; tsoffsetSeconds?: bigint; snapLength?: number; name?: string } = {},
): Uint8Array {
  const list: Option[] = [];
  if (opts.name !== undefined) list.push({ code: 2, value: Uint8Array.from(Buffer.from(opts.name, 'utf8')) });
  if (opts.tsresol !== undefined) list.push({ code: 9, value: Uint8Array.of(opts.tsresol) });
  if (opts.tsoffsetSeconds !== undefined) list.push({ code: 14, value: new ByteBuilder(littleEndian).u64(opts.tsoffsetSeconds).build() });
  const body = new ByteBuilder(littleEndian).u16(linkType).u16(0).u32(opts.snapLength ?? 0).bytes(options(littleEndian, list));
  return block(littleEndian, 1, body.build());
}

export function epb(littleEndian: boolean, interfaceId: number, units: bigint, data: Uint8Array, capturedBytes = data.length): Uint8Array {
  const body = new ByteBuilder(littleEndian).u32(interfaceId).timestamp(units).u32(capturedBytes).u32(data.length).bytes(data).pad4();
  return block(littleEndian, 6, body.build());
}

export function spb(littleEndian: boolean, data: Uint8Array, originalBytes = data.length): Uint8Array {
  return block(littleEndian, 3, new ByteBuilder(littleEndian).u32(originalBytes).bytes(data).pad4().build());
}

/** Obsolete Packet Block (type 2). */
export function packetBlock(littleEndian: boolean, interfaceId: number, units: bigint, data: Uint8Array): Uint8Array {
  const body = new ByteBuilder(littleEndian).u16(interfaceId).u16(0).timestamp(units).u32(data.length).u32(data.length).bytes(data).pad4();
  return block(littleEndian, 2, body.build());
}

const mac = [0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2];

/** An Ethernet frame with optional VLAN tags given as [tpid, vlan id] pairs. */
export function ethernet(etherType: number, payload: Uint8Array, tags: [number, number][] = []): Uint8Array {
  const b = new ByteBuilder(false).bytes(mac);
  for (const [tpid, vid] of tags) b.u16(tpid).u16(vid);
  return b.u16(etherType).bytes(payload).build();
}

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL): always big-endian on the wire. */
export function sll(protocol: number, payload: Uint8Array, arphrd = 1): Uint8Array {
  return new ByteBuilder(false).u16(0).u16(arphrd).u16(6).bytes([...mac.slice(0, 6), 0, 0]).u16(protocol).bytes(payload).build();
}

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2). */
export function sll2(protocol: number, payload: Uint8Array, arphrd = 1): Uint8Array {
  return new ByteBuilder(false).u16(protocol).u16(0).u32(3).u16(arphrd).u8(4).u8(6).bytes([...mac.slice(0, 6), 0, 0]).bytes(payload).build();
}

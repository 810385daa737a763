// Big-endian (network byte order) reads and writes of 16- and 32-bit fields at a byte offset: what
// the header views are built on. `read32` answers an unsigned number; `readInt32` the same bits as
// an int32, for code that keeps addresses unboxed on the packet path (V8 keeps int32 as a small
// integer, while a uint32 above 2^31, 192.0.0.1 among them, may become a heap number).

export function read16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 8) | bytes[offset + 1];
}

export function write16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 8;
  bytes[offset + 1] = value & 0xff;
}

export function read32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

/** The 32-bit big-endian word at `offset` as an int32 (`read32(...) | 0`, without the uint32 step). */
export function readInt32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];
}

export function write32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

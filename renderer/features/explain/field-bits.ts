// Where a header field lies in a packet's bytes, for the hex view: a field is a run of bits
// (core/api/explanation.ts's FieldPlace: bit 0 is the top bit of byte 0), which may start and end
// inside a byte — Version is the top four bits of byte 0, Flags the top three of byte 6, Fragment
// Offset the other thirteen of bytes 6 and 7.

/** One byte a field touches, and which of its bits (0x80 is the byte's first bit). */
export interface LitByte {
  readonly index: number;
  readonly mask: number;
}

/** The bytes a field of `bitLength` bits starting at `bitOffset` touches, in order. */
export function fieldBytes(bitOffset: number, bitLength: number): LitByte[] {
  const bytes: LitByte[] = [];
  if (bitLength <= 0 || bitOffset < 0) return bytes;
  const end = bitOffset + bitLength;
  for (let index = bitOffset >> 3; index * 8 < end; index++) {
    const first = Math.max(bitOffset, index * 8) - index * 8;
    const last = Math.min(end, index * 8 + 8) - index * 8;
    // Bits first..last-1 of the byte, counted from its top bit.
    const mask = ((0xff >> first) & (0xff << (8 - last))) & 0xff;
    bytes.push({ index, mask });
  }
  return bytes;
}

/** The lit bytes by index, for a hex dump to look up as it draws. */
export function litByteMap(bitOffset: number, bitLength: number): ReadonlyMap<number, number> {
  return new Map(fieldBytes(bitOffset, bitLength).map((byte) => [byte.index, byte.mask]));
}

/** One bit of a byte, for a strip of bits: its value and whether the field holds it. */
export interface Bit {
  readonly value: 0 | 1;
  readonly lit: boolean;
}

/** The eight bits of `value`, top bit first, lit where `mask` says. */
export function bitsOf(value: number, mask: number): Bit[] {
  const bits: Bit[] = [];
  for (let bit = 7; bit >= 0; bit--) bits.push({ value: ((value >> bit) & 1) as 0 | 1, lit: ((mask >> bit) & 1) === 1 });
  return bits;
}

/** The field's value from the bytes, when they were all recorded (the ring keeps a packet's first bytes only). */
export function fieldRecorded(bitOffset: number, bitLength: number, recordedBytes: number): boolean {
  return bitOffset + bitLength <= recordedBytes * 8;
}

// pcapng numbers shared by the reader and the writer (draft-ietf-opsawg-pcapng).
//
// Every block:  0 block type | 4 block total length | 8 body … | total length again (last 4 bytes)
// Every option: 0 code (2) | 2 value length (2) | 4 value, padded to 4 bytes
// The byte order of a section is the one in which its header's byte-order magic reads 0x1A2B3C4D.

export const BlockType = {
  /** Section Header Block; its type reads the same in either byte order. */
  sectionHeader: 0x0a0d0d0a,
  interfaceDescription: 0x00000001,
  /** Obsolete Packet Block, superseded by the Enhanced Packet Block. */
  packet: 0x00000002,
  simplePacket: 0x00000003,
  enhancedPacket: 0x00000006,
} as const;

export const byteOrderMagic = 0x1a2b3c4d;

/** Smallest possible block: type, length, and the trailing length. */
export const minBlockBytes = 12;

export const OptionCode = {
  endOfOptions: 0,
  /** opt_comment: UTF-8 text, valid in every block. */
  comment: 1,
  /** shb_userappl: the application that wrote the section. */
  sectionApplication: 4,
  /** if_name: UTF-8 interface name. */
  interfaceName: 2,
  /** if_tsresol: one byte; high bit 0: 10^-n seconds, 1: 2^-n seconds. Default 6 (µs). */
  interfaceTimestampResolution: 9,
  /** if_tsoffset: signed 64-bit seconds added to every timestamp of the interface. */
  interfaceTimestampOffset: 14,
} as const;

/** Bytes of padding after `length` bytes to reach a multiple of 4. */
export function paddingTo4(length: number): number {
  return (4 - (length & 3)) & 3;
}

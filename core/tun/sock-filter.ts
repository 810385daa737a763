// Classic BPF programs (linux/filter.h) as the bytes packetOpen() attaches: an array of
// `struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }` in the machine's byte order. On a
// SOCK_DGRAM packet socket the program sees the packet from its network header, so offsets are
// IPv6 header offsets. The program returns the number of bytes to keep; 0 drops the packet.

import { endianness } from 'node:os';

/** Opcode parts, to be or-ed together: `Bpf.LD | Bpf.B | Bpf.ABS` loads one byte at offset k. */
export const Bpf = {
  // classes
  LD: 0x00,
  LDX: 0x01,
  ALU: 0x04,
  JMP: 0x05,
  RET: 0x06,
  // load sizes
  W: 0x00,
  H: 0x08,
  B: 0x10,
  // addressing modes
  IMM: 0x00,
  ABS: 0x20,
  IND: 0x40,
  // jumps (jt / jf count instructions to skip)
  JA: 0x00,
  JEQ: 0x10,
  JGT: 0x20,
  JGE: 0x30,
  JSET: 0x40,
  // operand source
  K: 0x00,
  X: 0x08,
} as const;

/** One instruction: [code, jt, jf, k]. */
export type SockFilter = readonly [code: number, jt: number, jf: number, k: number];

const instructionBytes = 8;
const littleEndian = endianness() === 'LE';

export function encodeSockFilter(program: readonly SockFilter[]): Uint8Array {
  const bytes = new Uint8Array(program.length * instructionBytes);
  const view = new DataView(bytes.buffer);
  program.forEach(([code, jt, jf, k], i) => {
    const at = i * instructionBytes;
    view.setUint16(at, code, littleEndian);
    view.setUint8(at + 2, jt);
    view.setUint8(at + 3, jf);
    view.setUint32(at + 4, k >>> 0, littleEndian);
  });
  return bytes;
}

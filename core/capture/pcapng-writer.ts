// Writes one pcapng section of raw IP packets, a block at a time, so a long-running trace export
// can stream: append interfaces and packets as they come, and `take()` the bytes written so far
// whenever it suits the caller (to hand to a file, a socket, or a download). Concatenating every
// `take()` in order gives a valid file; the section header is in the first.
//
// Blocks are little-endian. Each interface is LINKTYPE_RAW (101: the packet starts with its IP
// header, either version) with nanosecond timestamps (if_tsresol 9), so timestamps and packets go
// in exactly as the engine holds them.

import { LinkType } from './link-layer.js';
import { BlockType, byteOrderMagic, OptionCode, paddingTo4 } from './pcapng-format.js';
import { encodeUtf8 } from './utf8.js';

export interface PcapngWriterOptions {
  /** shb_userappl of the section header (default "Clatter"). */
  readonly application?: string;
  /** First size of the pending buffer; it doubles as needed (default 64 KiB). */
  readonly initialBytes?: number;
}

const maxOptionBytes = 0xffff;
const maxTimestampNs = (1n << 64n) - 1n;

export class PcapngWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private used = 0;
  /** End of the block being written; `used` moves there once the block is complete. */
  private pendingEnd = 0;
  private interfaceCount = 0;
  private readonly initialBytes: number;

  constructor(options: PcapngWriterOptions = {}) {
    this.initialBytes = Math.max(256, options.initialBytes ?? 65_536);
    this.buffer = new Uint8Array(this.initialBytes);
    this.view = new DataView(this.buffer.buffer);
    this.writeSectionHeader(options.application ?? 'Clatter');
  }

  /** Bytes written since the last `take()`. */
  get pendingBytes(): number {
    return this.used;
  }

  /** Number of interfaces added so far; ids are 0 to count - 1. */
  get interfaces(): number {
    return this.interfaceCount;
  }

  /**
   * Adds an interface and returns its id for `addPacket`. Interfaces may be added at any time,
   * but before the first packet that uses them.
   */
  addInterface(name: string): number {
    const nameBytes = clipUtf8(encodeUtf8(name));
    const optionsBytes = optionBytes(nameBytes.length) + optionBytes(1) + 4;
    const start = this.beginBlock(BlockType.interfaceDescription, 8 + optionsBytes);
    this.view.setUint16(start, LinkType.raw, true);
    this.view.setUint16(start + 2, 0, true); // reserved
    this.view.setUint32(start + 4, 0, true); // snap length: none
    let at = this.writeOption(start + 8, OptionCode.interfaceName, nameBytes);
    at = this.writeOption(at, OptionCode.interfaceTimestampResolution, Uint8Array.of(9)); // 10^-9 s
    this.view.setUint32(at, 0, true); // opt_endofopt
    this.endBlock();
    return this.interfaceCount++;
  }

  /**
   * Appends one packet (copied: the caller may reuse `packet` at once). `timestampNs` is
   * nanoseconds since the Unix epoch. `originalLength` is the packet's length on the wire when
   * `packet` holds only its first bytes (a trace snapshot); it defaults to `packet.length`.
   * Throws RangeError for an interface id that was never added, a timestamp outside 0 to
   * 2^64 - 1, or an original length shorter than the bytes given or beyond 32 bits: all are the
   * caller's bugs, not bad input.
   */
  addPacket(interfaceId: number, timestampNs: bigint, packet: Uint8Array, comment?: string, originalLength = packet.length): void {
    if (!Number.isInteger(interfaceId) || interfaceId < 0 || interfaceId >= this.interfaceCount) {
      throw new RangeError(`pcapng: no interface ${interfaceId} (${this.interfaceCount} added)`);
    }
    if (timestampNs < 0n || timestampNs > maxTimestampNs) {
      throw new RangeError(`pcapng: timestamp ${timestampNs} ns does not fit 64 bits`);
    }
    if (!Number.isInteger(originalLength) || originalLength < packet.length || originalLength > 0xffffffff) {
      throw new RangeError(`pcapng: original length ${originalLength} is not from ${packet.length} (the bytes given) to 2^32 - 1`);
    }
    const commentBytes = comment === undefined ? undefined : clipUtf8(encodeUtf8(comment));
    const optionsBytes = commentBytes === undefined ? 0 : optionBytes(commentBytes.length) + 4;
    const dataBytes = packet.length + paddingTo4(packet.length);
    const start = this.beginBlock(BlockType.enhancedPacket, 20 + dataBytes + optionsBytes);
    const view = this.view;
    view.setUint32(start, interfaceId, true);
    view.setUint32(start + 4, Number(timestampNs >> 32n), true);
    view.setUint32(start + 8, Number(timestampNs & 0xffffffffn), true);
    view.setUint32(start + 12, packet.length, true); // captured length
    view.setUint32(start + 16, originalLength, true); // original length
    this.buffer.set(packet, start + 20);
    this.buffer.fill(0, start + 20 + packet.length, start + 20 + dataBytes);
    if (commentBytes !== undefined) {
      const at = this.writeOption(start + 20 + dataBytes, OptionCode.comment, commentBytes);
      view.setUint32(at, 0, true); // opt_endofopt
    }
    this.endBlock();
  }

  /**
   * The bytes written since the last `take()`, handed over: the caller owns the array and the
   * writer starts a fresh buffer.
   */
  take(): Uint8Array {
    const bytes = this.buffer.subarray(0, this.used);
    this.buffer = new Uint8Array(0);
    this.view = new DataView(this.buffer.buffer);
    this.used = 0;
    return bytes;
  }

  // Section Header Block: byte-order magic (4), version 1.0 (2 + 2), section length (8, -1 for
  // "not given": the writer does not know it until the end), options.
  private writeSectionHeader(application: string): void {
    const applicationBytes = clipUtf8(encodeUtf8(application));
    const start = this.beginBlock(BlockType.sectionHeader, 16 + optionBytes(applicationBytes.length) + 4);
    this.view.setUint32(start, byteOrderMagic, true);
    this.view.setUint16(start + 4, 1, true);
    this.view.setUint16(start + 6, 0, true);
    this.view.setBigInt64(start + 8, -1n, true);
    const at = this.writeOption(start + 16, OptionCode.sectionApplication, applicationBytes);
    this.view.setUint32(at, 0, true); // opt_endofopt
    this.endBlock();
  }

  /** Reserves a block with a body of `bodyBytes` (a multiple of 4); returns where the body starts. */
  private beginBlock(type: number, bodyBytes: number): number {
    const totalBytes = 12 + bodyBytes;
    this.reserve(totalBytes);
    const start = this.used;
    this.view.setUint32(start, type, true);
    this.view.setUint32(start + 4, totalBytes, true);
    this.view.setUint32(start + totalBytes - 4, totalBytes, true);
    this.pendingEnd = start + totalBytes;
    return start + 8;
  }

  private endBlock(): void {
    this.used = this.pendingEnd;
  }

  /** Writes one option at `at`, zero-padded; returns the offset after it. */
  private writeOption(at: number, code: number, value: Uint8Array): number {
    this.view.setUint16(at, code, true);
    this.view.setUint16(at + 2, value.length, true);
    this.buffer.set(value, at + 4);
    const end = at + optionBytes(value.length);
    this.buffer.fill(0, at + 4 + value.length, end);
    return end;
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    let size = Math.max(this.buffer.length, this.initialBytes);
    while (size < this.used + bytes) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.used));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}

/** Bytes an option with a value of `valueBytes` takes, header and padding included. */
function optionBytes(valueBytes: number): number {
  return 4 + valueBytes + paddingTo4(valueBytes);
}

/** Cuts UTF-8 text to what an option's 16-bit length can hold, at a character boundary. */
function clipUtf8(bytes: Uint8Array): Uint8Array {
  if (bytes.length <= maxOptionBytes) return bytes;
  let end = maxOptionBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

// The one entry point for reading captures: looks at the magic number and hands the bytes to the
// pcap or pcapng reader. Never throws: a file that cannot be read at all is `{ ok: false, error }`,
// damage inside a readable file is listed in `capture.damaged`.
//
//   const result = readCapture(bytes);
//   if (!result.ok) fail(result.error);
//   for (const { index, timestampNs, data } of result.capture.packets) …

import type { CaptureResult } from './capture-result.js';
import { BlockType } from './pcapng-format.js';
import { readPcapng } from './pcapng-reader.js';
import { pcapMagicMicroseconds, pcapMagicNanoseconds, readPcap } from './pcap-reader.js';

export type { Capture, CapturedPacket, CaptureDamage, CaptureResult } from './capture-result.js';

const pcapMagics = new Set([
  pcapMagicMicroseconds,
  pcapMagicNanoseconds,
  swap32(pcapMagicMicroseconds),
  swap32(pcapMagicNanoseconds),
]);
/** Alexey Kuznetzov's modified pcap, with longer record headers; rare, and not read here. */
const modifiedPcapMagic = 0xa1b2cd34;

/**
 * Reads a pcap or pcapng file held in memory. The packets' `data` are views into `bytes`, so keep
 * `bytes` unchanged while they are in use.
 */
export function readCapture(bytes: Uint8Array): CaptureResult {
  if (bytes.length === 0) return { ok: false, error: 'empty file, not a capture' };
  if (bytes.length < 4) return { ok: false, error: `not a capture file (only ${bytes.length} bytes)` };
  const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  if (magic === BlockType.sectionHeader) return readPcapng(bytes);
  if (pcapMagics.has(magic)) return readPcap(bytes);
  if (magic === modifiedPcapMagic || magic === swap32(modifiedPcapMagic)) {
    return { ok: false, error: 'modified (Kuznetzov) pcap is not supported; convert it with `editcap -F pcap`' };
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    return { ok: false, error: 'the file is gzip-compressed; decompress it first' };
  }
  return { ok: false, error: `not a pcap or pcapng file (it starts with 0x${magic.toString(16).padStart(8, '0')})` };
}

function swap32(value: number): number {
  return (((value & 0xff) << 24) | ((value & 0xff00) << 8) | ((value >>> 8) & 0xff00) | (value >>> 24)) >>> 0;
}

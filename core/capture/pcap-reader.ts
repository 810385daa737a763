// Classic libpcap files (draft-ietf-opsawg-pcap): a 24-byte file header, then records of a 16-byte
// header and the captured bytes. The magic number gives the byte order of every later field and
// whether the fraction of a second is in microseconds or nanoseconds.
//
//   File header                         Record header
//    0 magic                             0 timestamp, seconds
//    4 major version (2) | minor (2)     4 timestamp, µs or ns
//    8 reserved (was thiszone)           8 captured length
//   12 reserved (was sigfigs)           12 original length
//   16 snap length                      16 captured bytes …
//   20 FCS bits (4) | flags | link type (16)

import { CaptureBuilder, type CaptureResult } from './capture-result.js';
import { isReadableLinkType, linkPayload, unreadableLinkTypeError } from './link-layer.js';

export const pcapMagicMicroseconds = 0xa1b2c3d4;
export const pcapMagicNanoseconds = 0xa1b23c4d;

const fileHeaderBytes = 24;
const recordHeaderBytes = 16;
/** libpcap's MAXIMUM_SNAPLEN: a longer record is garbage unless the file's snap length allows it. */
const maxSaneCapturedBytes = 262_144;

/** Reads a pcap file whose first four bytes are one of the two pcap magic numbers (either order). */
export function readPcap(bytes: Uint8Array): CaptureResult {
  if (bytes.length < fileHeaderBytes) {
    return { ok: false, error: `truncated pcap file header (${bytes.length} of ${fileHeaderBytes} bytes)` };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicBigEndian = view.getUint32(0, false);
  const littleEndian = magicBigEndian !== pcapMagicMicroseconds && magicBigEndian !== pcapMagicNanoseconds;
  const magic = view.getUint32(0, littleEndian);
  if (magic !== pcapMagicMicroseconds && magic !== pcapMagicNanoseconds) {
    return { ok: false, error: 'not a pcap file (bad magic number)' };
  }
  const fractionNs = magic === pcapMagicNanoseconds ? 1n : 1000n;
  const major = view.getUint16(4, littleEndian);
  const minor = view.getUint16(6, littleEndian);
  if (major !== 2) return { ok: false, error: `pcap version ${major}.${minor} is not supported (only 2.x)` };
  const snapLength = view.getUint32(16, littleEndian);
  // The upper bits carry the FCS length; the link type is the low 16 bits.
  const linkType = view.getUint32(20, littleEndian) & 0xffff;
  if (!isReadableLinkType(linkType)) return { ok: false, error: unreadableLinkTypeError(linkType) };
  const maxCapturedBytes = Math.max(snapLength, maxSaneCapturedBytes);

  const builder = new CaptureBuilder('pcap');
  let offset = fileHeaderBytes;
  while (offset < bytes.length) {
    const left = bytes.length - offset;
    if (left < recordHeaderBytes) {
      builder.addDamage(null, offset, `the file ends in the middle of a record header (${left} of ${recordHeaderBytes} bytes)`);
      break;
    }
    const index = builder.nextIndex();
    const seconds = view.getUint32(offset, littleEndian);
    const fraction = view.getUint32(offset + 4, littleEndian);
    const capturedBytes = view.getUint32(offset + 8, littleEndian);
    const dataOffset = offset + recordHeaderBytes;
    if (capturedBytes > maxCapturedBytes) {
      builder.addDamage(index, offset, `captured length ${capturedBytes} is larger than any packet (snap length ${snapLength}); the rest of the file cannot be trusted`);
      break;
    }
    if (capturedBytes > bytes.length - dataOffset) {
      builder.addDamage(index, offset, `captured length ${capturedBytes} runs past the end of the file (${bytes.length - dataOffset} bytes left)`);
      break;
    }
    const timestampNs = BigInt(seconds) * 1_000_000_000n + BigInt(fraction) * fractionNs;
    const payload = linkPayload(linkType, bytes.subarray(dataOffset, dataOffset + capturedBytes));
    if (payload.kind === 'ip') builder.addPacket(index, timestampNs, payload.packet);
    else if (payload.kind === 'notIp') builder.notIp++;
    else builder.addDamage(index, offset, payload.description);
    offset = dataOffset + capturedBytes;
  }
  return builder.finish();
}

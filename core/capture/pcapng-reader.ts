// pcapng files (draft-ietf-opsawg-pcapng): one or more sections, each a Section Header Block (its
// byte-order magic sets the byte order of the section) followed by Interface Description Blocks
// and packet blocks. Interfaces are numbered from 0 within their section and each carries its own
// link type and timestamp unit. Blocks of any other type (name resolution, statistics, secrets,
// custom) are skipped by their length, as the format intends.

import { CaptureBuilder, type CaptureResult } from './capture-result.js';
import { isReadableLinkType, linkPayload, unreadableLinkTypeError } from './link-layer.js';
import { BlockType, byteOrderMagic, minBlockBytes, OptionCode, paddingTo4 } from './pcapng-format.js';

interface Interface {
  /** null: its description block was too damaged to read. */
  readonly linkType: number | null;
  /** 0: no limit. */
  readonly snapLength: number;
  /** A timestamp in the interface's units is `units * multiplier / divisor + offsetNs`. */
  readonly multiplier: bigint;
  readonly divisor: bigint;
  readonly offsetNs: bigint;
}

const damagedInterface: Interface = { linkType: null, snapLength: 0, multiplier: 1n, divisor: 1n, offsetNs: 0n };

const sectionHeaderMinBytes = 28; // type, length, magic, version, section length, trailing length

/** Reads a pcapng file (it must start with a Section Header Block). */
export function readPcapng(bytes: Uint8Array): CaptureResult {
  return new PcapngReader(bytes).read();
}

class PcapngReader {
  private readonly view: DataView;
  private readonly builder = new CaptureBuilder('pcapng');
  private littleEndian = true;
  private section = 0;
  private interfaces: Interface[] = [];
  private readonly unreadableLinkTypes: number[] = [];

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  read(): CaptureResult {
    const { bytes, view, builder } = this;
    if (bytes.length < sectionHeaderMinBytes) {
      return { ok: false, error: `truncated pcapng section header (${bytes.length} of at least ${sectionHeaderMinBytes} bytes)` };
    }
    if (view.getUint32(0, false) !== BlockType.sectionHeader) {
      return { ok: false, error: 'not a pcapng file (it does not start with a section header block)' };
    }
    let offset = 0;
    while (offset < bytes.length) {
      const left = bytes.length - offset;
      if (left < minBlockBytes) {
        builder.addDamage(null, offset, `the file ends in the middle of a block header (${left} bytes left)`);
        break;
      }
      const type = view.getUint32(offset, this.littleEndian);
      if (type === BlockType.sectionHeader) {
        const error = this.startSection(offset);
        if (error === undefined) {
          offset += view.getUint32(offset + 4, this.littleEndian);
          continue;
        }
        if (this.section === 0) return { ok: false, error };
        builder.addDamage(null, offset, `${error}; the rest of the file is skipped`);
        break;
      }
      const isPacket = type === BlockType.enhancedPacket || type === BlockType.simplePacket || type === BlockType.packet;
      const totalLength = view.getUint32(offset + 4, this.littleEndian);
      const lengthProblem = blockLengthProblem(totalLength, left);
      if (lengthProblem !== undefined) {
        const index = isPacket ? builder.nextIndex() : null;
        builder.addDamage(index, offset, `${blockName(type)}: ${lengthProblem}; the rest of the file cannot be read`);
        break;
      }
      const trailingLength = view.getUint32(offset + totalLength - 4, this.littleEndian);
      if (trailingLength !== totalLength) {
        const index = isPacket ? builder.nextIndex() : null;
        builder.addDamage(index, offset, `${blockName(type)}: its trailing length ${trailingLength} differs from its leading length ${totalLength}`);
        offset += totalLength;
        continue;
      }
      const bodyStart = offset + 8;
      const bodyEnd = offset + totalLength - 4;
      if (type === BlockType.interfaceDescription) this.addInterface(offset, bodyStart, bodyEnd);
      else if (type === BlockType.enhancedPacket) this.enhancedPacket(offset, bodyStart, bodyEnd);
      else if (type === BlockType.simplePacket) this.simplePacket(offset, bodyStart, bodyEnd);
      else if (type === BlockType.packet) this.obsoletePacket(offset, bodyStart, bodyEnd);
      offset += totalLength;
    }
    if (builder.packets.length === 0 && this.unreadableLinkTypes.length > 0) {
      return { ok: false, error: unreadableLinkTypeError(this.unreadableLinkTypes[0]) };
    }
    return builder.finish();
  }

  /** Reads the section header at `offset`; returns why it cannot start a section, if it cannot. */
  private startSection(offset: number): string | undefined {
    const { view, bytes } = this;
    const left = bytes.length - offset;
    // The byte-order magic comes before anything else can be read (the block type is a palindrome).
    if (view.getUint32(offset + 8, false) === byteOrderMagic) this.littleEndian = false;
    else if (view.getUint32(offset + 8, true) === byteOrderMagic) this.littleEndian = true;
    else return `section header at byte ${offset} has no valid byte-order magic (0x${hex32(view.getUint32(offset + 8, false))})`;
    const totalLength = view.getUint32(offset + 4, this.littleEndian);
    if (totalLength < sectionHeaderMinBytes || totalLength % 4 !== 0 || totalLength > left) {
      return `truncated or damaged pcapng section header at byte ${offset} (it says ${totalLength} bytes, ${left} are left)`;
    }
    if (view.getUint32(offset + totalLength - 4, this.littleEndian) !== totalLength) {
      return `damaged pcapng section header at byte ${offset} (its trailing length differs from its leading length)`;
    }
    const major = view.getUint16(offset + 12, this.littleEndian);
    const minor = view.getUint16(offset + 14, this.littleEndian);
    if (major !== 1) return `pcapng version ${major}.${minor} is not supported (only 1.x)`;
    this.section++;
    this.interfaces = [];
    return undefined;
  }

  // Interface Description Block: link type (2), reserved (2), snap length (4), options.
  private addInterface(offset: number, bodyStart: number, bodyEnd: number): void {
    const { view, littleEndian } = this;
    if (bodyEnd - bodyStart < 8) {
      this.builder.addDamage(null, offset, `interface description block too short (${bodyEnd - bodyStart} bytes of body)`);
      this.interfaces.push(damagedInterface);
      return;
    }
    const linkType = view.getUint16(bodyStart, littleEndian);
    const snapLength = view.getUint32(bodyStart + 4, littleEndian);
    let resolution = 6; // microseconds unless the interface says otherwise
    let offsetSeconds = 0n;
    const optionsOk = this.forEachOption(bodyStart + 8, bodyEnd, (code, valueStart, valueLength) => {
      if (code === OptionCode.interfaceTimestampResolution && valueLength >= 1) {
        resolution = this.bytes[valueStart];
      } else if (code === OptionCode.interfaceTimestampOffset && valueLength === 8) {
        offsetSeconds = view.getBigInt64(valueStart, littleEndian);
      }
    });
    if (!optionsOk) {
      this.builder.addDamage(null, offset, `interface description block ${this.interfaces.length}: its options run past the end of the block (read as far as they go)`);
    }
    const exponent = BigInt(resolution & 0x7f);
    const base2 = (resolution & 0x80) !== 0;
    this.interfaces.push({
      linkType,
      snapLength,
      multiplier: base2 ? 1_000_000_000n : exponent <= 9n ? 10n ** (9n - exponent) : 1n,
      divisor: base2 ? 2n ** exponent : exponent <= 9n ? 1n : 10n ** (exponent - 9n),
      offsetNs: offsetSeconds * 1_000_000_000n,
    });
  }

  // Enhanced Packet Block: interface id (4), timestamp high (4) and low (4), captured length (4),
  // original length (4), packet data padded to 4, options.
  private enhancedPacket(offset: number, bodyStart: number, bodyEnd: number): void {
    const { view, littleEndian } = this;
    const index = this.builder.nextIndex();
    if (bodyEnd - bodyStart < 20) {
      this.builder.addDamage(index, offset, `enhanced packet block too short (${bodyEnd - bodyStart} bytes of body)`);
      return;
    }
    const interfaceId = view.getUint32(bodyStart, littleEndian);
    const units = (BigInt(view.getUint32(bodyStart + 4, littleEndian)) << 32n) | BigInt(view.getUint32(bodyStart + 8, littleEndian));
    const capturedBytes = view.getUint32(bodyStart + 12, littleEndian);
    this.deliver(index, offset, interfaceId, units, bodyStart + 20, capturedBytes, bodyEnd);
  }

  // Simple Packet Block: original length (4), packet data. Always interface 0, and no timestamp.
  private simplePacket(offset: number, bodyStart: number, bodyEnd: number): void {
    const index = this.builder.nextIndex();
    if (bodyEnd - bodyStart < 4) {
      this.builder.addDamage(index, offset, `simple packet block too short (${bodyEnd - bodyStart} bytes of body)`);
      return;
    }
    // The captured length is not stored: it is the original length, cut by the snap length and
    // by the block (whose end also holds up to 3 bytes of padding).
    const originalBytes = this.view.getUint32(bodyStart, this.littleEndian);
    const snapLength = this.interfaces[0]?.snapLength ?? 0;
    let capturedBytes = Math.min(originalBytes, bodyEnd - bodyStart - 4);
    if (snapLength > 0) capturedBytes = Math.min(capturedBytes, snapLength);
    this.deliver(index, offset, 0, null, bodyStart + 4, capturedBytes, bodyEnd);
  }

  // Obsolete Packet Block: interface id (2), drops count (2), then as the Enhanced Packet Block.
  private obsoletePacket(offset: number, bodyStart: number, bodyEnd: number): void {
    const { view, littleEndian } = this;
    const index = this.builder.nextIndex();
    if (bodyEnd - bodyStart < 20) {
      this.builder.addDamage(index, offset, `packet block too short (${bodyEnd - bodyStart} bytes of body)`);
      return;
    }
    const interfaceId = view.getUint16(bodyStart, littleEndian);
    const units = (BigInt(view.getUint32(bodyStart + 4, littleEndian)) << 32n) | BigInt(view.getUint32(bodyStart + 8, littleEndian));
    const capturedBytes = view.getUint32(bodyStart + 12, littleEndian);
    this.deliver(index, offset, interfaceId, units, bodyStart + 20, capturedBytes, bodyEnd);
  }

  /** Hands one packet record's frame on, or counts why not. `units`: null when the block has no timestamp. */
  private deliver(
    index: number,
    offset: number,
    interfaceId: number,
    units: bigint | null,
    dataStart: number,
    capturedBytes: number,
    bodyEnd: number,
  ): void {
    const { builder } = this;
    if (capturedBytes > bodyEnd - dataStart) {
      builder.addDamage(index, offset, `captured length ${capturedBytes} runs past the end of its block (${bodyEnd - dataStart} bytes left)`);
      return;
    }
    const iface = this.interfaces[interfaceId];
    if (iface === undefined) {
      builder.addDamage(index, offset, `refers to interface ${interfaceId}, but section ${this.section} describes ${this.interfaces.length}`);
      return;
    }
    if (iface.linkType === null) {
      builder.addDamage(index, offset, `its interface ${interfaceId} has a damaged description block`);
      return;
    }
    if (!isReadableLinkType(iface.linkType)) {
      builder.unsupportedLinkType++;
      if (!this.unreadableLinkTypes.includes(iface.linkType)) this.unreadableLinkTypes.push(iface.linkType);
      return;
    }
    const payload = linkPayload(iface.linkType, this.bytes.subarray(dataStart, dataStart + capturedBytes));
    if (payload.kind === 'ip') {
      const timestampNs = units === null ? 0n : (units * iface.multiplier) / iface.divisor + iface.offsetNs;
      builder.addPacket(index, timestampNs, payload.packet);
    } else if (payload.kind === 'notIp') {
      builder.notIp++;
    } else {
      builder.addDamage(index, offset, payload.description);
    }
  }

  /** Calls `visit` for each option in [start, end) up to opt_endofopt; false if one runs past `end`. */
  private forEachOption(start: number, end: number, visit: (code: number, valueStart: number, valueLength: number) => void): boolean {
    let at = start;
    while (end - at >= 4) {
      const code = this.view.getUint16(at, this.littleEndian);
      const valueLength = this.view.getUint16(at + 2, this.littleEndian);
      if (code === OptionCode.endOfOptions) return true;
      if (valueLength > end - at - 4) return false;
      visit(code, at + 4, valueLength);
      at += 4 + valueLength + paddingTo4(valueLength);
    }
    return at >= end;
  }
}

/** Why a block of `totalLength` cannot be right with `left` bytes of file from its start. */
function blockLengthProblem(totalLength: number, left: number): string | undefined {
  if (totalLength < minBlockBytes) return `it says it is ${totalLength} bytes long, less than any block`;
  if (totalLength % 4 !== 0) return `it says it is ${totalLength} bytes long, not a multiple of 4`;
  if (totalLength > left) return `it says it is ${totalLength} bytes long, but the file has ${left} bytes left`;
  return undefined;
}

function blockName(type: number): string {
  switch (type) {
    case BlockType.interfaceDescription:
      return 'interface description block';
    case BlockType.enhancedPacket:
      return 'enhanced packet block';
    case BlockType.simplePacket:
      return 'simple packet block';
    case BlockType.packet:
      return 'packet block';
    default:
      return `block of type 0x${hex32(type)}`;
  }
}

function hex32(value: number): string {
  return value.toString(16).padStart(8, '0');
}

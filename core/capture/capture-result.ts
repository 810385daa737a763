// What reading a capture file yields: the IP packets it holds, and an account of everything that
// was not handed on (records that carry no IP, damaged records). Both readers (pcap, pcapng) fill
// one `CaptureBuilder`, so they count and describe things the same way.

/** One IP packet from a capture file. */
export interface CapturedPacket {
  /** The record's 1-based number in the file, counting every packet record (skipped ones too),
   * so it matches Wireshark's frame number. */
  readonly index: number;
  /** Capture time, nanoseconds since the Unix epoch (0 when the record carries no time). */
  readonly timestampNs: bigint;
  /** The IP packet with its link-layer header (and any link padding) removed: a view into the
   * bytes given to the reader, not a copy. Byte 0 is the IP version nibble, if the file is sane. */
  readonly data: Uint8Array;
}

/** A record or block the reader could not use as it stands. */
export interface CaptureDamage {
  /** The packet number it would have had, when the damaged thing is a packet record. */
  readonly index: number | null;
  /** Byte offset of the record or block in the file. */
  readonly offset: number;
  /** One line, e.g. "captured length 1514 runs past the end of the file (200 bytes left)". */
  readonly description: string;
}

export interface Capture {
  readonly format: 'pcap' | 'pcapng';
  /** The IP packets, in file order. */
  readonly packets: readonly CapturedPacket[];
  /** Packet records in the file, including the skipped and damaged ones that could be counted. */
  readonly records: number;
  /** Records whose link layer carries something other than IPv4 or IPv6 (ARP, LLDP, …). */
  readonly notIp: number;
  /** pcapng records from an interface whose link type Clatter does not read. */
  readonly unsupportedLinkType: number;
  /** Damaged records and blocks, skipped; after damage that hides where the next record starts,
   * the rest of the file is given up (and the description says so). */
  readonly damaged: readonly CaptureDamage[];
}

/** Errors are one line, naming what is wrong with the file as a whole. */
export type CaptureResult = { ok: true; capture: Capture } | { ok: false; error: string };

/** Accumulates a reader's findings; `finish` turns them into a `Capture`. */
export class CaptureBuilder {
  readonly packets: CapturedPacket[] = [];
  readonly damaged: CaptureDamage[] = [];
  records = 0;
  notIp = 0;
  unsupportedLinkType = 0;

  constructor(readonly format: Capture['format']) {}

  /** Counts a packet record and returns its number. */
  nextIndex(): number {
    return ++this.records;
  }

  addPacket(index: number, timestampNs: bigint, data: Uint8Array): void {
    this.packets.push({ index, timestampNs, data });
  }

  addDamage(index: number | null, offset: number, description: string): void {
    this.damaged.push({ index, offset, description });
  }

  finish(): CaptureResult {
    const { format, packets, records, notIp, unsupportedLinkType, damaged } = this;
    return { ok: true, capture: { format, packets, records, notIp, unsupportedLinkType, damaged } };
  }
}

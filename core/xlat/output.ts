// Where the translator writes. One translation can leave as several packets: the fragments of a
// DF=0 IPv4 packet too big for the IPv6 side, or an ICMP error the translator sends back. They are
// laid out one after the other in one caller-owned buffer, each preceded by `headroomBytes` that
// the translator never writes (room for a link or virtio-net header the I/O layer prepends).
// The object is reused for every packet: the translator resets `count` and fills the arrays.

/** Fragments of a 64 KiB IPv4 packet at the 1280-byte IPv6 minimum MTU: 65515 / 1232 → 54. */
export const maxOutputPackets = 64;

/** Enough for any translation of a packet of up to 64 KiB: the packet grows by at most 28 bytes
 * per fragment (IPv6 header minus IPv4 header plus a Fragment header). */
export function outputBufferBytes(headroomBytes: number): number {
  return 65_535 + maxOutputPackets * (28 + 40 + headroomBytes) + headroomBytes;
}

export class XlatOutput {
  /** How many packets the last translation wrote. */
  count = 0;
  /** Offset of packet i in `buffer` (after its headroom). */
  readonly start = new Int32Array(maxOutputPackets);
  /** Length of packet i in bytes. */
  readonly length = new Int32Array(maxOutputPackets);
  /** The side packet i leaves by: 4 (IPv4 side) or 6 (IPv6 side). */
  readonly family = new Uint8Array(maxOutputPackets);
  /** 1 when packet i is an ICMP error the translator generated rather than a translation. */
  readonly generated = new Uint8Array(maxOutputPackets);

  /**
   * @param buffer where packets are written; owned by the caller, reused for every translation.
   * @param headroomBytes bytes left free before every packet.
   * @param baseOffset where the first packet's headroom begins (the bytes before it are the
   *   caller's: the engine keeps its input packets there, so copies stay inside one buffer).
   */
  constructor(
    readonly buffer: Uint8Array = new Uint8Array(outputBufferBytes(0)),
    readonly headroomBytes = 0,
    readonly baseOffset = 0,
  ) {
    if (buffer.length - baseOffset < outputBufferBytes(headroomBytes)) {
      throw new RangeError(`XlatOutput needs ${outputBufferBytes(headroomBytes)} bytes after baseOffset`);
    }
  }

  /** Packet i as a view into `buffer` (no copy). */
  packet(i: number): Uint8Array {
    return this.buffer.subarray(this.start[i], this.start[i] + this.length[i]);
  }
}

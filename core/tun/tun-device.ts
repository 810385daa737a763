// A TUN device as the engine's packet loop sees it, in the spirit of wireguard-go's tun.Device
// (`Read(bufs, sizes, offset)`, `Write`, `BatchSize()`): batches of IP packets in and out of
// buffers the caller owns, a readiness signal, a name. Two implementations: linux-tun.ts (the
// kernel's TUN through the addon) and memory-tun.ts (a double for tests).
//
// Buffer ownership: the caller owns every buffer. read() fills the caller's PacketBatch and keeps
// no reference to it; the packets stay valid until the caller reads into that batch again.
// write() is done with the caller's bytes when it returns (the kernel has copied them), so they
// may be reused at once.
//
// Errors are values: read() and write() return a negative errno (errno.ts) and never throw for
// I/O. EAGAIN never shows: nothing to read is 0, a full queue is a short write. -EBADF (closed
// here) and -EBADFD (the interface was deleted) end the loop; other errors concern one packet
// (-EINVAL on write: the kernel refused a packet that is not IPv4 or IPv6).
//
// A packet longer than a slot is cut to the slot's size without an error (that is what the Linux
// TUN driver does): make slots longer than the MTU, and a packet that fills its slot was cut.
//
// Not this interface's job: the MTU and addresses of the interface, set by host setup
// (core/host); the device only reports its name and current MTU.

/**
 * What a source found in a packet it read that the loop must act on (PacketBatch.flags); the
 * packet socket's reader sets them (core/tun/native/packet-read.c, the same numbers).
 */
export const ReadFlag = {
  none: 0,
  /** Longer than its slot: the kernel cut it. */
  cut: 1,
  /** Its TCP or UDP checksum was left to be computed, and its transport header could not be found. */
  checksumUnfinished: 2,
} as const;

/** Packet slots in one slab: packet i is `bytes[starts[i], starts[i] + lengths[i])`. */
export class PacketBatch {
  /** The slab: `capacity` slots of `slotBytes`, slot i at `i * slotBytes`. */
  readonly bytes: Uint8Array;
  /** Where each slot begins (fixed: `i * slotBytes`), so a batch can also be passed to write(). */
  readonly starts: Int32Array;
  /** Length of each packet the last read() put in the slots. */
  readonly lengths: Int32Array;
  /**
   * ReadFlag of each packet, from sources that check (the packet socket; a TUN leaves them 0). The
   * loop puts a flag it acted on back to 0, so one source's flags never apply to another's packets.
   */
  readonly flags: Int32Array;
  /** How many slots the last read() filled. */
  count = 0;

  /**
   * @param capacity the most packets one read() takes.
   * @param slotBytes room per packet: more than the interface MTU (a longer packet is cut to fit).
   * @param bytes the slab, if the caller wants it inside a larger arena (capacity * slotBytes).
   */
  constructor(
    readonly capacity: number,
    readonly slotBytes: number,
    bytes?: Uint8Array,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1 || !Number.isInteger(slotBytes) || slotBytes < 1) {
      throw new RangeError(`PacketBatch: capacity ${capacity} and slotBytes ${slotBytes} must be positive integers`);
    }
    this.bytes = bytes ?? new Uint8Array(capacity * slotBytes);
    if (this.bytes.length < capacity * slotBytes) {
      throw new RangeError(`PacketBatch: ${capacity} slots of ${slotBytes} bytes need ${capacity * slotBytes} bytes`);
    }
    this.starts = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.starts[i] = i * slotBytes;
    this.lengths = new Int32Array(capacity);
    this.flags = new Int32Array(capacity);
  }

  /** Packet i as a view into the slab (no copy; valid until the next read into this batch). */
  packet(i: number): Uint8Array {
    return this.bytes.subarray(this.starts[i], this.starts[i] + this.lengths[i]);
  }
}

export interface TunDevice {
  /** The interface name (what host setup configures). */
  readonly name: string;
  /** How many packets a batch should hold to use one read() to the full (size PacketBatch by it). */
  readonly batchSize: number;

  /** The interface's MTU now, in bytes, or -errno (the interface is gone). */
  mtuBytes(): number;

  /**
   * Reads the packets waiting, up to `batch.capacity`, into the batch's slots; sets `batch.count`.
   * Returns the count (0: none waiting) or -errno (then `batch.count` is 0).
   */
  read(batch: PacketBatch): number;

  /**
   * Writes `bytes[starts[i], starts[i] + lengths[i])` for i < count, in order. Returns how many
   * were written: all, or fewer when the device queue is full or packet `result` failed (write
   * again from that index to learn its error). -errno if the first packet fails.
   */
  write(bytes: Uint8Array, starts: Int32Array, lengths: Int32Array, count: number): number;

  /**
   * Calls `listener` (from the event loop, never from inside this call) while packets are waiting:
   * read until read() returns 0, or return early and be called again on the next loop turn. One
   * listener at a time; a new one replaces the old. Returns a function that stops the calls.
   * No timers or polling while idle.
   */
  onReadable(listener: () => void): () => void;

  /** Stops the listener and releases the device; read() and write() then return -EBADF. Idempotent. */
  close(): void;
}

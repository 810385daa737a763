// An in-memory TunDevice for tests (the role of wireguard-go's tun/tuntest): the test injects the
// packets the host would send into the device, and collects the packets the engine writes.
// It keeps the Linux TUN's observable behaviour where a test could notice it: reads stop at the
// batch's capacity, a packet longer than a slot is cut to the slot's size, a packet that is not
// IPv4 or IPv6 is refused with -EINVAL, a closed device answers -EBADF, and readiness is
// level-triggered (the listener is called again while packets wait).

import { Errno } from './errno.js';
import type { PacketBatch, TunDevice } from './tun-device.js';

export interface MemoryTunOptions {
  readonly name?: string;
  readonly mtuBytes?: number;
  readonly batchSize?: number;
  /** 10: packets in and out carry a virtio-net header first, as a Linux TUN with offloads (default 0). */
  readonly vnetHeaderBytes?: number;
}

export class MemoryTun implements TunDevice {
  readonly name: string;
  readonly batchSize: number;
  readonly vnetHeaderBytes: number;
  /** Copies of every packet written, in order. */
  readonly written: Uint8Array[] = [];
  private mtu: number;
  private readonly waiting: Uint8Array[] = [];
  private listener: (() => void) | undefined;
  private callScheduled = false;
  private closed = false;

  constructor(options: MemoryTunOptions = {}) {
    this.name = options.name ?? 'memtun0';
    this.mtu = options.mtuBytes ?? 1500;
    this.batchSize = options.batchSize ?? 64;
    this.vnetHeaderBytes = options.vnetHeaderBytes ?? 0;
  }

  /** Queues a copy of `packet` for read(), as if the host had routed it into the device. */
  inject(packet: Uint8Array): void {
    if (this.closed) return;
    this.waiting.push(packet.slice());
    this.scheduleCall();
  }

  /** Packets injected and not read yet. */
  get pending(): number {
    return this.waiting.length;
  }

  /** Returns the packets written so far and forgets them. */
  takeWritten(): Uint8Array[] {
    return this.written.splice(0);
  }

  /** What host setup's `ip link set mtu` would do. */
  setMtuBytes(mtuBytes: number): void {
    this.mtu = mtuBytes;
  }

  mtuBytes(): number {
    return this.closed ? Errno.EBADF : this.mtu;
  }

  read(batch: PacketBatch): number {
    batch.count = 0;
    if (this.closed) return Errno.EBADF;
    let count = 0;
    while (count < batch.capacity && this.waiting.length > 0) {
      const packet = this.waiting.shift() as Uint8Array;
      const length = Math.min(packet.length, batch.slotBytes);
      batch.bytes.set(packet.subarray(0, length), batch.starts[count]);
      batch.lengths[count++] = length;
    }
    batch.count = count;
    return count;
  }

  write(bytes: Uint8Array, starts: Int32Array, lengths: Int32Array, count: number): number {
    if (count < 0 || count > starts.length || count > lengths.length) throw new RangeError('writeBatch: count exceeds starts or lengths');
    for (let i = 0; i < count; i++) {
      if (starts[i] < 0 || lengths[i] < 0 || starts[i] + lengths[i] > bytes.length) throw new RangeError('writeBatch: a packet lies outside the slab');
    }
    if (this.closed) return Errno.EBADF;
    for (let i = 0; i < count; i++) {
      const version = lengths[i] > this.vnetHeaderBytes ? bytes[starts[i] + this.vnetHeaderBytes] >> 4 : 0;
      if (version !== 4 && version !== 6) return i > 0 ? i : Errno.EINVAL;
      this.written.push(bytes.slice(starts[i], starts[i] + lengths[i]));
    }
    return count;
  }

  onReadable(listener: () => void): () => void {
    this.listener = listener;
    this.scheduleCall();
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }

  close(): void {
    this.closed = true;
    this.listener = undefined;
    this.waiting.length = 0;
  }

  // Level-triggered, like epoll under the Linux device: one call per event-loop turn while
  // packets wait and a listener is set; nothing scheduled when idle.
  private scheduleCall(): void {
    if (this.callScheduled || this.listener === undefined || this.waiting.length === 0) return;
    this.callScheduled = true;
    setImmediate(() => {
      this.callScheduled = false;
      if (this.listener === undefined || this.waiting.length === 0) return;
      this.listener();
      this.scheduleCall();
    });
  }
}

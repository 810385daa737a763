// TunDevice on a Linux TUN (/dev/net/tun) through the native addon: one addon call per batch,
// readiness from a libuv poll on Node's own event loop.
//
// Lifecycle: openLinuxTun() creates the interface (down, no address: host setup brings it up);
// the device lives until close(), which also deletes the interface (it is not persistent).

import { describeErrno, Errno } from './errno.js';
import { nativeAddon, type NativeAddon, type WatchHandle } from './native-addon.js';
import type { PacketBatch, TunDevice } from './tun-device.js';

export interface LinuxTunOptions {
  /** The interface name, or a pattern such as "clat%d"; omitted: the kernel picks "tunN". */
  readonly name?: string;
  /** Packets per batch the engine should plan for (default 64, as wireguard-go's Linux TUN). */
  readonly batchSize?: number;
}

export type OpenLinuxTunResult =
  | { readonly ok: true; readonly device: LinuxTun }
  | { readonly ok: false; readonly error: string; readonly errno: number };

const defaultBatchSize = 64;

/** Opens a TUN device; fails as a value (e.g. -EPERM without CAP_NET_ADMIN, -EBUSY for a name in use). */
export function openLinuxTun(options: LinuxTunOptions = {}, addon: NativeAddon = nativeAddon()): OpenLinuxTunResult {
  const batchSize = options.batchSize ?? defaultBatchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize ${batchSize} must be a positive integer`);
  const opened = addon.tunOpen(options.name ?? null, 0);
  if (typeof opened === 'number') {
    return { ok: false, errno: opened, error: `cannot open a TUN device${options.name ? ` '${options.name}'` : ''}: ${describeErrno(opened)}` };
  }
  return { ok: true, device: new LinuxTun(addon, opened.fd, opened.name, batchSize) };
}

export class LinuxTun implements TunDevice {
  private fd: number;
  private watching: WatchHandle | undefined;

  /** Use openLinuxTun(); this takes an fd the addon opened. */
  constructor(
    private readonly addon: NativeAddon,
    fd: number,
    readonly name: string,
    readonly batchSize: number,
  ) {
    this.fd = fd;
  }

  mtuBytes(): number {
    return this.fd < 0 ? Errno.EBADF : this.addon.ifMtu(this.name);
  }

  read(batch: PacketBatch): number {
    const result = this.addon.readBatch(this.fd, batch.bytes, batch.slotBytes, batch.capacity, batch.lengths);
    batch.count = result > 0 ? result : 0;
    return result;
  }

  write(bytes: Uint8Array, starts: Int32Array, lengths: Int32Array, count: number): number {
    return this.addon.writeBatch(this.fd, bytes, starts, lengths, count);
  }

  onReadable(listener: () => void): () => void {
    this.unwatch();
    const handle = this.addon.watch(this.fd, () => listener());
    if (typeof handle === 'number') {
      // Cannot poll (closed): call once, so the reader's read() reports why and ends its loop.
      let stopped = false;
      setImmediate(() => stopped || listener());
      return () => void (stopped = true);
    }
    this.watching = handle;
    return () => {
      if (this.watching === handle) this.unwatch();
    };
  }

  close(): void {
    if (this.fd < 0) return;
    this.unwatch(); // before close: libuv must not poll a descriptor that may be reused
    this.addon.close(this.fd);
    this.fd = -1;
  }

  private unwatch(): void {
    if (this.watching === undefined) return;
    this.addon.unwatch(this.watching);
    this.watching = undefined;
  }
}

// TunDevice on a Linux TUN (/dev/net/tun) through the native addon: one addon call per batch,
// readiness from a libuv poll on Node's own event loop.
//
// Lifecycle: openLinuxTun() creates the interface (down, no address: host setup brings it up);
// the device lives until close(), which also deletes the interface (it is not persistent).

import { describeErrno, Errno } from './errno.js';
import { nativeAddon, type NativeAddon, type WatchHandle } from './native-addon.js';
import type { PacketBatch, TunDevice } from './tun-device.js';
import { virtioNetHeader } from '../wire/virtio-net-header.js';

export interface LinuxTunOptions {
  /** The interface name, or a pattern such as "clat%d"; omitted: the kernel picks "tunN". */
  readonly name?: string;
  /** Packets per batch the engine should plan for (default 64, as wireguard-go's Linux TUN). */
  readonly batchSize?: number;
  /**
   * Offloads (IFF_VNET_HDR, TUNSETOFFLOAD): every packet read and written then starts with a
   * 10-byte virtio-net header (core/wire/virtio-net-header.ts), reads may be 64 KiB TCP/UDP
   * super-packets with partial checksums, and writes may be too. Default off.
   */
  readonly offload?: boolean;
}

export type OpenLinuxTunResult =
  | { readonly ok: true; readonly device: LinuxTun }
  | { readonly ok: false; readonly error: string; readonly errno: number };

const defaultBatchSize = 64;

/** Opens a TUN device; fails as a value (e.g. -EPERM without CAP_NET_ADMIN, -EBUSY for a name in use). */
export function openLinuxTun(options: LinuxTunOptions = {}, addon: NativeAddon = nativeAddon()): OpenLinuxTunResult {
  return openQueue(options, options.name ?? null, 0, addon);
}

export type OpenLinuxTunQueuesResult =
  | { readonly ok: true; readonly queues: readonly LinuxTun[] }
  | { readonly ok: false; readonly error: string; readonly errno: number };

/**
 * Opens a multi-queue TUN device (IFF_MULTI_QUEUE): `count` descriptors on one interface, each a
 * queue of its own that one thread may read and write. The kernel spreads the packets it hands out
 * over the queues by flow (drivers/net/tun.c, tun_select_queue), so one flow stays on one queue
 * and in order. The interface goes when the last queue is closed.
 */
export function openLinuxTunQueues(options: LinuxTunOptions & { readonly count: number }, addon: NativeAddon = nativeAddon()): OpenLinuxTunQueuesResult {
  // MAX_TAP_QUEUES in include/linux/if_tun.h's kernel side is 256; more than a few is never useful here.
  if (!Number.isInteger(options.count) || options.count < 1 || options.count > 64) throw new RangeError(`queue count ${options.count} must be an integer from 1 to 64`);
  const queues: LinuxTun[] = [];
  for (let k = 0; k < options.count; k++) {
    // The first queue creates the interface (its name may be a pattern); the others join it by name.
    const opened = openQueue(options, k === 0 ? (options.name ?? null) : queues[0].name, addon.constants.IFF_MULTI_QUEUE, addon);
    if (!opened.ok) {
      for (const queue of queues) queue.close();
      return opened;
    }
    queues.push(opened.device);
  }
  return { ok: true, queues };
}

function openQueue(options: LinuxTunOptions, name: string | null, extraFlags: number, addon: NativeAddon): OpenLinuxTunResult {
  const batchSize = options.batchSize ?? defaultBatchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize ${batchSize} must be a positive integer`);
  const opened = addon.tunOpen(name, extraFlags | (options.offload ? addon.constants.IFF_VNET_HDR : 0));
  if (typeof opened === 'number') {
    return { ok: false, errno: opened, error: `cannot open a TUN device${name ? ` '${name}'` : ''}: ${describeErrno(opened)}` };
  }
  if (!options.offload) return { ok: true, device: new LinuxTun(addon, opened.fd, opened.name, batchSize, 0, []) };
  const offloads = setOffloads(addon, opened.fd);
  if (typeof offloads === 'number') {
    addon.close(opened.fd);
    return { ok: false, errno: offloads, error: `cannot set offloads on TUN device '${opened.name}': ${describeErrno(offloads)}` };
  }
  return { ok: true, device: new LinuxTun(addon, opened.fd, opened.name, batchSize, vnetHeaderBytes, offloads) };
}

/** sizeof(struct virtio_net_hdr). */
const vnetHeaderBytes = virtioNetHeader.bytes;

/**
 * The most the kernel grants, tried in turn (-EINVAL: a flag it does not know): USO came with Linux
 * 6.2 (drivers/net/tun.c, tun_set_offload); TSO and CSUM are older than IFF_VNET_HDR users such as
 * QEMU. Returns the names of the offloads set, or -errno for another failure.
 */
function setOffloads(addon: NativeAddon, fd: number): string[] | number {
  const c = addon.constants;
  const tries: [number, string[]][] = [
    [c.TUN_F_CSUM | c.TUN_F_TSO4 | c.TUN_F_TSO6 | c.TUN_F_USO4 | c.TUN_F_USO6, ['csum', 'tso4', 'tso6', 'uso4', 'uso6']],
    [c.TUN_F_CSUM | c.TUN_F_TSO4 | c.TUN_F_TSO6, ['csum', 'tso4', 'tso6']],
    [c.TUN_F_CSUM, ['csum']],
    [0, []],
  ];
  let result = 0;
  for (const [flags, names] of tries) {
    result = addon.tunSetOffload(fd, vnetHeaderBytes, flags);
    if (result === 0) return names;
    if (result !== Errno.EINVAL) return result;
  }
  return result;
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
    /** 10 with offloads (a virtio-net header before every packet read or written), else 0. */
    readonly vnetHeaderBytes = 0,
    /** The offloads the kernel granted: csum, tso4, tso6, uso4, uso6. */
    readonly offloads: readonly string[] = [],
  ) {
    this.fd = fd;
  }

  /** The queue's descriptor, for a worker thread that serves it (-1 once closed). */
  get descriptor(): number {
    return this.fd;
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

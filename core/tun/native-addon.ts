// The C addon of core/tun (core/tun/native/, built by `npm install` through binding.gyp) and the
// types of what it exports. It is loaded on first use, so code that imports this module but never
// opens a device runs where the addon is not built.
//
// Contract of every function: a failed system call comes back as a negative errno, never as an
// exception (errno.ts names it); only arguments of the wrong type or range throw (TypeError,
// RangeError), because those are bugs in the caller. Descriptors are non-blocking and close-on-exec;
// the caller closes them with close().

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { addonFile, findPackageRoot } from '../install/package-root.js';

/** Kernel numbers, read from the C headers when the addon was built. */
export interface NativeConstants {
  /** tunOpen flag: a virtio-net header before each packet (offloads, tunSetOffload). */
  readonly IFF_VNET_HDR: number;
  /** tunOpen flag: one fd per queue, each opened with the same name (openLinuxTunQueues). */
  readonly IFF_MULTI_QUEUE: number;
  /** tunSetOffload flags (linux/if_tun.h): partial checksums, TCP and UDP segmentation offloads. */
  readonly TUN_F_CSUM: number;
  readonly TUN_F_TSO4: number;
  readonly TUN_F_TSO6: number;
  readonly TUN_F_USO4: number;
  readonly TUN_F_USO6: number;
  readonly NETLINK_ROUTE: number;
  /** netlinkOpen group bit for link changes (RTM_NEWLINK, RTM_DELLINK). */
  readonly RTMGRP_LINK: number;
  /** Group number (not a bit) of RA options passed to user space; its bit is 1 << (n - 1). */
  readonly RTNLGRP_ND_USEROPT: number;
  readonly RTM_NEWLINK: number;
  /** Message type of RA options passed to user space (struct nduseroptmsg, then the options). */
  readonly RTM_NEWNDUSEROPT: number;
  /** ICMPv6 type of a Router Advertisement (RFC 4861 §4.2), for rawIcmp6Open's passTypes. */
  readonly ND_ROUTER_ADVERT: number;
  /** The Node-API version the addon was built for (binding.gyp's NAPI_VERSION); Node must offer at least this. */
  readonly NAPI_VERSION: number;
}

declare const watchHandleBrand: unique symbol;

/** An opaque handle returned by watch(), for unwatch(). */
export interface WatchHandle {
  readonly [watchHandleBrand]: true;
}

export interface OpenedTun {
  readonly fd: number;
  /** The name the device got (the kernel fills in a pattern such as "clat%d"). */
  readonly name: string;
}

export interface NativeAddon {
  readonly constants: NativeConstants;

  /**
   * Opens a TUN device (IFF_TUN | IFF_NO_PI: IP packets, no prefix) with a non-blocking fd.
   * `name` null or "" lets the kernel choose; `flags` may add IFF_VNET_HDR and IFF_MULTI_QUEUE.
   * The device is not persistent: it goes away when its last fd is closed.
   */
  tunOpen(name: string | null, flags: number): OpenedTun | number;

  /**
   * On a TUN opened with IFF_VNET_HDR: little-endian virtio-net headers of `vnetHeaderBytes` (10),
   * and the offloads `offloads` (TUN_F_* bits) the kernel may use when handing packets out.
   * 0, or -errno (-EINVAL: a flag this kernel does not know; retry with fewer).
   */
  tunSetOffload(fd: number, vnetHeaderBytes: number, offloads: number): number;

  /**
   * Reads up to `maxPackets` packets: packet i into `slab[i * slotBytes, (i + 1) * slotBytes)`,
   * its length into `lengths[i]`. Returns how many (0: nothing queued), or -errno when the first
   * read fails. A packet longer than a slot is cut to `slotBytes` without notice (TUN and datagram
   * sockets alike), so slots longer than the largest packet make a full slot mean "cut".
   */
  readBatch(fd: number, slab: Uint8Array, slotBytes: number, maxPackets: number, lengths: Int32Array): number;

  /**
   * Writes `slab[starts[i], starts[i] + lengths[i])` for i < count, one packet per write().
   * Returns how many were written: fewer than `count` when the fd would block, or when packet
   * `result` failed (retry from there to get its -errno). -errno when the first packet fails.
   */
  writeBatch(fd: number, slab: Uint8Array, starts: Int32Array, lengths: Int32Array, count: number): number;

  /**
   * Calls `callback` on Node's event loop while `fd` is readable (level-triggered: again on the
   * next loop turn if data is left). The argument is 0, or -errno if polling failed. Returns a
   * handle, or -errno (e.g. -EBADF). Call unwatch() before closing the fd; one watch per fd.
   */
  watch(fd: number, callback: (status: number) => void): WatchHandle | number;
  /** Stops the callbacks at once; harmless to repeat. */
  unwatch(handle: WatchHandle): void;

  /** A netlink socket bound to the multicast `groups` (a bitmask: group n is bit n - 1). */
  netlinkOpen(protocol: number, groups: number): number;

  /**
   * A raw ICMPv6 socket that reports arrival interface and hop limit (recvFrom6), bound to
   * `ifname` unless null, passing only the ICMPv6 types in `passTypes` unless null.
   */
  rawIcmp6Open(ifname: string | null, passTypes: readonly number[] | null): number;
  /**
   * Receives one datagram into `buffer`; writes the sender's address to `source` (16 bytes) and
   * `meta[0]` = arrival interface index (0 unknown), `meta[1]` = hop limit (-1 unknown). Returns
   * its length, or -errno (-EAGAIN: nothing queued; -EMSGSIZE: longer than `buffer`, dropped).
   */
  recvFrom6(fd: number, buffer: Uint8Array, source: Uint8Array, meta: Int32Array): number;

  /**
   * A packet socket for the IPv6 packets arriving on `ifname` (not those leaving), link header
   * stripped, filtered by `bpfProgram` (struct sock_filter array, see sock-filter.ts; empty: no
   * filter), with PACKET_AUXDATA on. Read with packetReadBatch (readBatch works, blind to checksums).
   */
  packetOpen(ifname: string, bpfProgram: Uint8Array): number;
  /**
   * readBatch for a packetOpen socket, which hands packets over as the kernel holds them: a
   * packet's TCP or UDP checksum is computed when the kernel left it partial (TP_STATUS_CSUMNOTREADY),
   * and when the packet was merged (longer than `mergedAboveBytes`, the uplink MTU) from segments the
   * kernel verified (TP_STATUS_CSUM_VALID). `flags[i]` gets packet i's ReadFlag (tun-device.ts): 0,
   * or why it must not be translated. Returns the count, or -errno.
   */
  packetReadBatch(fd: number, slab: Uint8Array, slotBytes: number, maxPackets: number, lengths: Int32Array, flags: Int32Array, mergedAboveBytes: number): number;
  /**
   * Computes the TCP or UDP checksum of the IPv6 packet `packet` in place, pseudo-header included.
   * False when no TCP or UDP header is found past the extension headers, or a Routing header hides
   * the final destination (the packet is then unchanged). packetReadBatch's own step, exported for tests.
   */
  ipv6TransportChecksum(packet: Uint8Array): boolean;

  /** A raw socket that sends whole IPv6 packets, header included; out of `ifname` unless null. */
  rawIp6SendOpen(ifname: string | null): number;
  /** Sends one IPv6 packet to its header's destination. Returns bytes sent, or -errno. */
  sendTo6(fd: number, packet: Uint8Array): number;
  /**
   * Sends `slab[starts[i], starts[i] + lengths[i])` for i < count, each to its own header's
   * destination. Returns how many were sent (fewer: the next one failed), or -errno for the first.
   */
  sendBatch6(fd: number, slab: Uint8Array, starts: Int32Array, lengths: Int32Array, count: number): number;

  /**
   * Joins the anycast `address` (16 bytes) on interface `ifIndex` through IPv6 socket `fd`, so the
   * kernel answers neighbour solicitations for it; closing the fd leaves. Returns 0 or -errno.
   */
  joinAnycast6(fd: number, ifIndex: number, address: Uint8Array): number;
  leaveAnycast6(fd: number, ifIndex: number, address: Uint8Array): number;

  /** Index of interface `name`, or -errno (-ENODEV: no such interface). */
  ifIndex(name: string): number;
  /** Current MTU of interface `name` in bytes, or -errno. */
  ifMtu(name: string): number;
  /**
   * SO_PEERCRED of connected Unix socket `fd`: writes [pid, uid, gid] of the peer to `out`.
   * Returns 0 or -errno.
   */
  peerCredentials(fd: number, out: Int32Array): number;
  /** Closes any descriptor the addon returned: 0 or -errno. */
  close(fd: number): number;
}

let loaded: NativeAddon | undefined;

/** The addon, loaded on the first call. Throws if it was never built. */
export function nativeAddon(): NativeAddon {
  loaded ??= load();
  return loaded;
}

function load(): NativeAddon {
  const path = join(findPackageRoot().dir, addonFile);
  if (!existsSync(path)) {
    throw new Error(`clatter: the native addon (${addonFile}) is not built: run npm install`);
  }
  return createRequire(import.meta.url)(path) as NativeAddon;
}

// A multicast netlink (rtnetlink) subscription on the addon's socket: the kernel's own events for
// links, addresses, routes and Router Advertisement options, delivered as datagrams while they
// happen. Event-driven: no polling, no CPU while nothing changes.
//
// Each datagram is handed to the listeners as a view valid only during the call (it is read into
// one reused slab). Implements discovery's NdUserOptSource.

import type { NdUserOptSource } from '../discovery/ra-discovery.js';
import type { NativeAddon, WatchHandle } from '../tun/native-addon.js';

/** rtnetlink multicast groups (linux/rtnetlink.h, RTNLGRP_*), as group numbers. */
export const rtnlGroup = {
  link: 1,
  ipv4Ifaddr: 5,
  ipv4Route: 7,
  ipv6Ifaddr: 9,
  ipv6Route: 11,
  /**
   * RTNLGRP_IPV6_IFINFO: RTM_NEWLINK (family AF_INET6) when an RA changes the link's IPv6
   * parameters, its MTU among them (IFLA_INET6_RA_MTU, Linux 5.15+).
   */
  ipv6Ifinfo: 12,
  ndUserOpt: 20,
} as const;

/** NETLINK_NETFILTER (linux/netlink.h) and its nftables group (linux/netfilter/nfnetlink.h, NFNLGRP_NFTABLES): every rule set change. */
export const netlinkNetfilter = 12;
export const nfnetlinkGroup = { nftables: 7 } as const;

const slotBytes = 65536;
const slots = 8;

export class NetlinkSubscription implements NdUserOptSource {
  private readonly listeners = new Set<(bytes: Uint8Array) => void>();
  private readonly slab = new Uint8Array(slotBytes * slots);
  private readonly lengths = new Int32Array(slots);
  private watch: WatchHandle | null = null;

  private constructor(
    private readonly addon: NativeAddon,
    private readonly fd: number,
  ) {}

  /**
   * Subscribes to the given groups (numbers from rtnlGroup, or of `protocol`'s own family, such as
   * nfnetlinkGroup); the error is a sentence.
   */
  static open(addon: NativeAddon, groups: readonly number[], protocol: number = addon.constants.NETLINK_ROUTE): { ok: true; subscription: NetlinkSubscription } | { ok: false; error: string } {
    const mask = groups.reduce((bits, group) => bits | (1 << (group - 1)), 0);
    const fd = addon.netlinkOpen(protocol, mask);
    if (fd < 0) return { ok: false, error: `cannot open a netlink socket (errno ${-fd})` };
    const subscription = new NetlinkSubscription(addon, fd);
    const watch = addon.watch(fd, () => subscription.drain());
    if (typeof watch === 'number') {
      addon.close(fd);
      return { ok: false, error: `cannot watch the netlink socket (errno ${-watch})` };
    }
    subscription.watch = watch;
    return { ok: true, subscription };
  }

  onMessage(listener: (bytes: Uint8Array) => void): void {
    this.listeners.add(listener);
  }

  removeListener(listener: (bytes: Uint8Array) => void): void {
    this.listeners.delete(listener);
  }

  /**
   * A view for one user (discovery): its close() removes only its own listener, and the engine's
   * socket stays open for the next `up`.
   */
  share(): NdUserOptSource {
    let own: ((bytes: Uint8Array) => void) | null = null;
    return {
      onMessage: (listener) => {
        if (own !== null) this.listeners.delete(own);
        own = listener;
        this.listeners.add(listener);
      },
      close: () => {
        if (own !== null) this.listeners.delete(own);
        own = null;
      },
    };
  }

  close(): void {
    if (this.watch === null) return;
    this.addon.unwatch(this.watch);
    this.watch = null;
    this.addon.close(this.fd);
    this.listeners.clear();
  }

  private drain(): void {
    for (;;) {
      const count = this.addon.readBatch(this.fd, this.slab, slotBytes, slots, this.lengths);
      if (count <= 0) return;
      for (let i = 0; i < count; i++) {
        const datagram = this.slab.subarray(i * slotBytes, i * slotBytes + this.lengths[i]);
        for (const listener of this.listeners) listener(datagram);
      }
      if (count < slots) return;
    }
  }
}

// Router Advertisements from a raw ICMPv6 socket bound to the uplink, or open on every interface
// (ICMP6_FILTER passes type 134 only), for discovery's raPacketDiscovery. Event-driven through the addon's watch(); an RA is read
// into one reused buffer and handed over for the duration of the call.

import type { RaPacketSource } from '../discovery/ra-packet-discovery.js';
import type { NativeAddon, WatchHandle } from '../tun/native-addon.js';

const routerAdvertisement = 134;

export class RaSocket implements RaPacketSource {
  private readonly buffer = new Uint8Array(65536);
  private readonly source = new Uint8Array(16);
  private readonly meta = new Int32Array(2);
  private listener: ((icmp: Uint8Array, ifindex: number, router: Uint8Array, hopLimit: number) => void) | null = null;
  private watch: WatchHandle | null = null;

  private constructor(
    private readonly addon: NativeAddon,
    private readonly fd: number,
  ) {}

  /** On `uplink`, or with null on every interface (each RA carries the index of the one it came in on). */
  static open(addon: NativeAddon, uplink: string | null): { ok: true; socket: RaSocket } | { ok: false; error: string } {
    const fd = addon.rawIcmp6Open(uplink, [routerAdvertisement]);
    if (fd < 0) return { ok: false, error: `cannot open a raw ICMPv6 socket on ${uplink ?? 'every interface'} (errno ${-fd})` };
    const socket = new RaSocket(addon, fd);
    const watch = addon.watch(fd, () => socket.drain());
    if (typeof watch === 'number') {
      addon.close(fd);
      return { ok: false, error: `cannot watch the raw ICMPv6 socket (errno ${-watch})` };
    }
    socket.watch = watch;
    return { ok: true, socket };
  }

  onRouterAdvertisement(listener: (icmp: Uint8Array, ifindex: number, router: Uint8Array, hopLimit: number) => void): void {
    this.listener = listener;
  }

  close(): void {
    if (this.watch === null) return;
    this.addon.unwatch(this.watch);
    this.watch = null;
    this.addon.close(this.fd);
  }

  private drain(): void {
    for (;;) {
      const length = this.addon.recvFrom6(this.fd, this.buffer, this.source, this.meta);
      if (length < 0) return; // -EAGAIN: all read
      this.listener?.(this.buffer.subarray(0, length), this.meta[0], this.source, this.meta[1]);
    }
  }
}

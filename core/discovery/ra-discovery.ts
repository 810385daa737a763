// PREF64 from Router Advertisements, as the kernel relays them: Linux parses each RA itself and hands
// the options it does not use, PREF64 included, to netlink sockets in the RTNLGRP_ND_USEROPT group
// (RTM_NEWNDUSEROPT messages). This file turns those datagrams into the state machine's 'pref64'
// inputs for the uplink; the socket itself lives behind NdUserOptSource (the C addon in core/tun).
//
// Lifecycle: raDiscovery() registers on the source at once; every datagram is parsed synchronously in
// the source's callback; setUplinkIfindex() changes the filter; close() closes the source.

import { formatIpv6 } from '../wire/address.js';
import type { DiscoveryInput } from './discovery-input.js';
import { parseNdUserOptMessages } from './nd-useropt-message.js';
import type { HeardRa } from './ra-cache.js';

/** A netlink socket bound to RTNLGRP_ND_USEROPT, or a test double. */
export interface NdUserOptSource {
  /**
   * Sets the one listener for datagrams read from the socket. Each datagram holds one or more netlink
   * messages; the bytes belong to the source and are valid only during the call (it may reuse them).
   */
  onMessage(listener: (bytes: Uint8Array) => void): void;
  /** Stops reading and releases the socket; the listener is not called after close() returns. */
  close(): void;
}

export type Pref64Input = Extract<DiscoveryInput, { kind: 'pref64' }>;

export interface RaDiscoveryOptions {
  /** Only RAs received on this interface count; null: every interface. */
  readonly uplinkIfindex: number | null;
  readonly nowMs: () => number;
  readonly onPref64: (input: Pref64Input) => void;
  /** Every RA accepted (of the uplink), whatever its options: for the RA cache and Router Solicitations. */
  readonly onRa?: (ra: HeardRa) => void;
}

export interface RaDiscovery {
  setUplinkIfindex(ifindex: number | null): void;
  /** Closes the source. */
  close(): void;
}

/**
 * What both RA paths (this one and ra-packet-discovery.ts) keep: the uplink an RA must arrive on,
 * and whether discovery was closed; it is the RaDiscovery they return.
 */
export class RaUplinkFilter implements RaDiscovery {
  private closed = false;

  constructor(
    private uplinkIfindex: number | null,
    private readonly closeSource: () => void,
  ) {}

  /** True while open, for an RA that arrived on the uplink (or any interface when none is set). */
  accepts(ifindex: number): boolean {
    return !this.closed && (this.uplinkIfindex === null || ifindex === this.uplinkIfindex);
  }

  setUplinkIfindex(ifindex: number | null): void {
    this.uplinkIfindex = ifindex;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeSource();
  }
}

export function raDiscovery(source: NdUserOptSource, options: RaDiscoveryOptions): RaDiscovery {
  const filter = new RaUplinkFilter(options.uplinkIfindex, () => source.close());
  source.onMessage((bytes) => {
    const atMs = options.nowMs();
    for (const message of parseNdUserOptMessages(bytes)) {
      if (!filter.accepts(message.ifindex)) continue;
      const router = message.router === null ? null : formatIpv6(message.router);
      for (const { prefix, lifetimeS } of message.pref64) {
        options.onPref64({ kind: 'pref64', atMs, ifindex: message.ifindex, router, prefix, lifetimeS });
      }
      options.onRa?.({ ifindex: message.ifindex, atMs, router, pref64: message.pref64, rdnss: message.rdnss });
    }
  });
  return filter;
}

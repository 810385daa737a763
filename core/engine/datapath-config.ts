// The data path's configuration, one type for every place that needs it: the engine fills it in
// (clat-engine.ts), the data path sets the host up and starts translating with it (datapath.ts), and
// each worker thread that translates receives it whole (queue-workers.ts, queue-worker.ts), so the
// main thread and the workers derive their translators from the same fields by the same functions.
// Plain data: it crosses to the worker threads by structured clone.

import type { DeliveryMode } from '../api/status.js';
import type { Uplink } from '../host/host-inspect.js';
import { parseIpv6, type Ipv6Prefix } from '../wire/address.js';
import type { SiitConfig } from '../xlat/config.js';
import type { Translator } from '../xlat/translator.js';
import { clatTranslator, clatTranslatorConfig } from './clat-translator.js';
import type { ClatAddresses } from './packet-loop.js';

export interface DatapathConfig {
  readonly uplink: Uplink;
  /** Name of the CLAT's TUN device. */
  readonly tunName: string;
  /** The NAT64 prefix at the start; a later one reaches the translators through setPrefix. */
  readonly prefix: Ipv6Prefix;
  readonly clatIpv6: string;
  /** Add the IPv4 default route through the TUN. */
  readonly ipv4DefaultRoute: boolean;
  readonly delivery: DeliveryMode;
  /**
   * TUN offloads (vnet-packet-loop.ts) where the TUN is both ends of the path (ingress,
   * force-forwarding, nat66); packet-socket delivery sends IPv6 through a raw socket, which takes no
   * super-packets (asDeliveryAllows).
   */
  readonly offload: boolean;
  /**
   * Worker threads that translate, one per TUN queue; 0: the main thread translates. Like the
   * offloads, only where the TUN is both ends of the path.
   */
  readonly workers: number;
  /** Translate RFC 1918 destinations under 64:ff9b::/96 (draft-ietf-v6ops-nat64-wkp-1918); off: RFC 6052 §3.1. */
  readonly allowPrivateWkp: boolean;
}

/** `config` with the offloads and workers its delivery mode allows (packet-socket: neither). */
export function asDeliveryAllows(config: DatapathConfig): DatapathConfig {
  const packetSocket = config.delivery === 'packet-socket';
  return { ...config, offload: config.offload && !packetSocket, workers: packetSocket ? 0 : config.workers };
}

/**
 * Bytes of a packet loop's slot: the largest packet either side sends, with room to spare for a TUN
 * that is given a larger MTU later.
 */
export function slotBytesOf(config: DatapathConfig): number {
  return Math.max(config.uplink.mtu, 1500) + 256;
}

/** The CLAT's own addresses, which alone the packet loops translate. */
export function clatAddressesOf(config: DatapathConfig): ClatAddresses {
  return { ipv4: 0xc0000001, ipv6: parseIpv6(config.clatIpv6) ?? new Uint8Array(16) };
}

/** The translator configuration for `prefix` (noted for explanations of recorded pairs). */
export function translatorConfigOf(config: DatapathConfig, prefix: Ipv6Prefix): SiitConfig {
  return clatTranslatorConfig(prefix, config.clatIpv6, config.uplink.ipv6Mtu, hopDecrementedDownstream(config), config.allowPrivateWkp);
}

/** A translator for `prefix` (clat-translator.ts), on whichever thread translates. */
export function translatorOf(config: DatapathConfig, prefix: Ipv6Prefix): Translator {
  // The IPv6 MTU of the uplink: the RA's MTU when a router announces a smaller one than the link's.
  return clatTranslator(prefix, config.clatIpv6, config.uplink.ipv6Mtu, hopDecrementedDownstream(config), config.allowPrivateWkp);
}

/** Ingress delivery's fwd decrements the Hop Limit after the translator without checking it. */
function hopDecrementedDownstream(config: DatapathConfig): boolean {
  return config.delivery === 'ingress';
}

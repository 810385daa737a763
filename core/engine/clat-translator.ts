// The translator configured as a CLAT (RFC 6877 §6.3): pool6 is the NAT64 prefix, and one
// explicit mapping ties the host's 192.0.0.1 to the CLAT's own IPv6 address. Built by the data
// path, and by each worker thread that translates (queue-worker.ts) from the same parameters.
//
// ICMPv6 errors from IPv6 nodes that have no IPv4 form (a router of the access network, which is
// neither under the NAT64 prefix nor the CLAT) reach the host's IPv4 programs from 192.0.0.8, the
// IPv4 dummy address (RFC 7600, IANA special-purpose registry) as RFC 6791 asks, so traceroute
// shows such a hop as untranslatable instead of as the CLAT itself (192.0.0.2).

import { formatIpv6Prefix, type Ipv6Prefix } from '../wire/address.js';
import { clatIpv4, clatTranslatorIpv4 } from '../host/host-setup.js';
import { parseSiitConfig, type SiitConfig } from '../xlat/config.js';
import { Translator } from '../xlat/translator.js';

/** RFC 7600: the IPv4 dummy address, for ICMP errors from IPv6 sources with no IPv4 mapping. */
export const ipv4DummyAddress = '192.0.0.8';

/**
 * `uplinkMtu`: the IPv6 MTU of the uplink (the RA's MTU where a router announces one).
 * `hopDecrementedDownstream`: with ingress delivery, whose nftables `fwd` decrements the Hop Limit
 * on the way out (without checking it): the translator expires TTL 1 and leaves the decrement to it.
 * `allowPrivateWkp`: translate RFC 1918 addresses under 64:ff9b::/96 (`clatter engine
 * --allow-private-wkp`, draft-ietf-v6ops-nat64-wkp-1918); off, as RFC 6052 §3.1 says.
 */
export function clatTranslator(prefix: Ipv6Prefix, clatIpv6: string, uplinkMtu: number, hopDecrementedDownstream = false, allowPrivateWkp = false): Translator {
  return new Translator(clatTranslatorConfig(prefix, clatIpv6, uplinkMtu, hopDecrementedDownstream, allowPrivateWkp));
}

/** The configuration `clatTranslator` builds (the engine notes it for explanations of recorded pairs). */
export function clatTranslatorConfig(prefix: Ipv6Prefix, clatIpv6: string, uplinkMtu: number, hopDecrementedDownstream = false, allowPrivateWkp = false): SiitConfig {
  const parsed = parseSiitConfig({
    pool6: formatIpv6Prefix(prefix),
    eamt: [{ ipv6: `${clatIpv6}/128`, ipv4: `${clatIpv4}/32` }],
    rfc6791v4: ipv4DummyAddress,
    selfIpv4: clatTranslatorIpv4,
    selfIpv6: clatIpv6,
    mtu: { ipv4: uplinkMtu, ipv6: uplinkMtu },
    hopDecrementedDownstream,
    allowPrivateWkp,
  });
  // The prefix was checked by discovery and the address chosen by us: a refusal here is a bug.
  if (!parsed.ok) throw new Error(`CLAT translator configuration refused: ${parsed.error}`);
  return parsed.config;
}

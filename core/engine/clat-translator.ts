// The translator configured as a CLAT (RFC 6877 §6.3): pool6 is the NAT64 prefix, and one
// explicit mapping ties the host's 192.0.0.1 to the CLAT's own IPv6 address. Built by the data
// path, and by each worker thread that translates (queue-worker.ts) from the same parameters.

import { formatIpv6Prefix, type Ipv6Prefix } from '../wire/address.js';
import { clatIpv4, clatTranslatorIpv4 } from '../host/host-setup.js';
import { parseSiitConfig } from '../xlat/config.js';
import { Translator } from '../xlat/translator.js';

/**
 * `outboundHopReserve`: 1 with ingress delivery, whose nftables `fwd` decrements the Hop Limit once
 * more on the way out, as the kernel's forwarding does in the other modes (where it also checks it).
 */
export function clatTranslator(prefix: Ipv6Prefix, clatIpv6: string, uplinkMtu: number, outboundHopReserve = 0): Translator {
  const parsed = parseSiitConfig({
    pool6: formatIpv6Prefix(prefix),
    eamt: [{ ipv6: `${clatIpv6}/128`, ipv4: `${clatIpv4}/32` }],
    selfIpv4: clatTranslatorIpv4,
    selfIpv6: clatIpv6,
    mtu: { ipv4: uplinkMtu, ipv6: uplinkMtu },
    outboundHopReserve,
  });
  // The prefix was checked by discovery and the address chosen by us: a refusal here is a bug.
  if (!parsed.ok) throw new Error(`CLAT translator configuration refused: ${parsed.error}`);
  return new Translator(parsed.config);
}

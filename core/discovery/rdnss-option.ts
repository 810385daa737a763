// The Recursive DNS Server option (RFC 8106 §5.1): the resolvers a router gives the hosts of its
// link in its Router Advertisements. RFC 8880 §7.1 wants the NAT64 prefix discovery of RFC 7050 to
// ask these, the network's own resolvers, rather than whichever ones the host is configured with.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |   Type (25)   |     Length    |           Reserved            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                           Lifetime                            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   :            Addresses of IPv6 Recursive DNS Servers            :
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import { read32 } from '../wire/bytes.js';
import type { NdOption } from './nd-options.js';

export const rdnssOptionType = 25;

export interface RdnssOption {
  /** Fresh 16-byte copies, in the order the router listed them (its preference, RFC 8106 §5.3.1). */
  readonly addresses: readonly Uint8Array[];
  /** Seconds; 0xffffffff is infinity (RFC 8106 §5.1); 0: stop using these servers. */
  readonly lifetimeS: number;
}

/**
 * Reads the RDNSS option whose Type byte is at `option.offset` in `bytes`; null when RFC 8106 §5.1
 * says to ignore it: a Length below 3 or even (it counts 8-octet units: 1 for the header and 2 per
 * address). Never throws; never keeps `bytes`.
 */
export function parseRdnssOption(bytes: Uint8Array, option: NdOption): RdnssOption | null {
  if (option.type !== rdnssOptionType) return null;
  const units = option.lengthBytes / 8;
  if (units < 3 || units % 2 === 0 || option.offset + option.lengthBytes > bytes.length) return null;
  const addresses: Uint8Array[] = [];
  for (let at = option.offset + 8; at < option.offset + option.lengthBytes; at += 16) {
    addresses.push(bytes.slice(at, at + 16));
  }
  return { addresses, lifetimeS: read32(bytes, option.offset + 4) };
}

/** The usable RDNSS options among `options`. */
export function rdnssOptions(bytes: Uint8Array, options: readonly NdOption[]): RdnssOption[] {
  const found: RdnssOption[] = [];
  for (const option of options) {
    const parsed = parseRdnssOption(bytes, option);
    if (parsed !== null) found.push(parsed);
  }
  return found;
}

// The Prefix Information option (RFC 4861 §4.6.2): the on-link prefixes of a Router Advertisement
// and, with the A flag, the prefixes hosts form addresses in (SLAAC, RFC 4862 §5.5.3). The CLAT
// takes its own address in such a /64 (RFC 6877 §6.3); the RA that names it tells the engine at
// once which network the link is on (a new one, or the old one again after a link loss), without
// waiting for the kernel's address there to pass DAD (core/host/clat-subnet.ts).
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |     Type (3)  |  Length (4)   | Prefix Length |L|A| Reserved1 |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                         Valid Lifetime                        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                       Preferred Lifetime                      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                           Reserved2                           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                            Prefix (16 bytes)                  |

import { read32 } from '../wire/bytes.js';
import { formatIpv6 } from '../wire/address.js';
import type { NdOption } from './nd-options.js';

export const prefixInformationOptionType = 3;
const optionBytes = 32;
const autonomousFlag = 0x40;

/** A /64 an RA offers for stateless address autoconfiguration. */
export interface SlaacPrefix {
  /** The /64 as the address with an all-zero interface identifier, e.g. "2001:db8:1:4::". */
  readonly prefix: string;
  /** Seconds; 0: the prefix is no longer valid; 0xffffffff: infinity (RFC 4861 §4.6.2). */
  readonly validLifetimeS: number;
}

/**
 * The prefixes of `options` a host forms SLAAC addresses in: Prefix Information options of the
 * right length (RFC 4861 §4.6.2: others are ignored) with the A flag, a /64 (RFC 4862 §5.5.3 d: the
 * prefix and the 64-bit interface identifier must make 128 bits), not link-local (§5.5.3 b), and a
 * preferred lifetime not above the valid one (§5.5.3 c). Never throws.
 */
export function slaacPrefixes(bytes: Uint8Array, options: readonly NdOption[]): SlaacPrefix[] {
  const found: SlaacPrefix[] = [];
  for (const option of options) {
    if (option.type !== prefixInformationOptionType || option.lengthBytes !== optionBytes) continue;
    const at = option.offset;
    if (at + optionBytes > bytes.length) continue;
    if (bytes[at + 2] !== 64 || (bytes[at + 3] & autonomousFlag) === 0) continue;
    if (bytes[at + 16] === 0xfe && (bytes[at + 17] & 0xc0) === 0x80) continue;
    const validLifetimeS = read32(bytes, at + 4);
    if (read32(bytes, at + 8) > validLifetimeS) continue;
    const address = new Uint8Array(16);
    address.set(bytes.subarray(at + 16, at + 24));
    found.push({ prefix: formatIpv6(address), validLifetimeS });
  }
  return found;
}

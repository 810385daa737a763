// Router Advertisement messages (RFC 4861 §4.2), from the ICMPv6 header on: the fixed part and its
// options, with the PREF64 options (RFC 8781) read out. The ICMPv6 checksum and the IPv6 checks of
// RFC 4861 §6.1.2 (hop limit 255, link-local source) belong to whoever received the packet.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  Type (134)   |   Code (0)    |          Checksum             |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Cur Hop Limit |M|O|  Flags    |       Router Lifetime         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                         Reachable Time                        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                          Retrans Timer                        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |   Options ...

import { read16, read32 } from '../wire/bytes.js';
import { parseNdOptions, pref64Options, type NdOption } from './nd-options.js';
import type { Pref64Option } from './pref64-option.js';
import { slaacPrefixes, type SlaacPrefix } from './prefix-information-option.js';
import { rdnssOptions, type RdnssOption } from './rdnss-option.js';

export const routerAdvertisementType = 134;

/** RFC 4861 §4.2: the fixed part, ICMPv6 header included; options follow it. */
export const routerAdvertisementHeaderBytes = 16;

export interface RouterAdvertisement {
  readonly curHopLimit: number;
  /** M: addresses are available from DHCPv6. */
  readonly managed: boolean;
  /** O: other configuration is available from DHCPv6. */
  readonly other: boolean;
  /** The whole flags byte, for the bits defined after RFC 4861. */
  readonly flags: number;
  /** 0: the sender is not a default router (RFC 4861 §4.2). */
  readonly routerLifetimeS: number;
  /** 0: unspecified by this router. */
  readonly reachableTimeMs: number;
  /** 0: unspecified by this router. */
  readonly retransTimerMs: number;
  /** Every option, in order; offsets are into the parsed bytes. */
  readonly options: readonly NdOption[];
  /** The PREF64 options a receiver may use; malformed ones are ignored (RFC 8781 §4). */
  readonly pref64: readonly Pref64Option[];
  /** The RDNSS options (RFC 8106): the link's resolvers; malformed ones are ignored. */
  readonly rdnss: readonly RdnssOption[];
  /** The /64s offered for SLAAC (Prefix Information with the A flag, RFC 4861 §4.6.2). */
  readonly slaacPrefixes: readonly SlaacPrefix[];
}

export type RouterAdvertisementParse =
  | { ok: true; ra: RouterAdvertisement }
  | { ok: false; reason: 'truncated' | 'not-router-advertisement' | 'bad-code' | 'zero-length-option' | 'option-past-end' };

/** Reads an RA from its ICMPv6 type byte at `bytes[0]` to the end of `bytes`. Never throws. */
export function parseRouterAdvertisement(bytes: Uint8Array): RouterAdvertisementParse {
  // RFC 4861 §6.1.2: "ICMP length (derived from the IP length) is 16 or more octets."
  if (bytes.length < routerAdvertisementHeaderBytes) return { ok: false, reason: 'truncated' };
  if (bytes[0] !== routerAdvertisementType) return { ok: false, reason: 'not-router-advertisement' };
  // RFC 4861 §6.1.2: "ICMP Code is 0."
  if (bytes[1] !== 0) return { ok: false, reason: 'bad-code' };
  // RFC 4861 §6.1.2: "All included options have a length that is greater than zero."
  const parsed = parseNdOptions(bytes, routerAdvertisementHeaderBytes, bytes.length);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    ra: {
      curHopLimit: bytes[4],
      managed: (bytes[5] & 0x80) !== 0,
      other: (bytes[5] & 0x40) !== 0,
      flags: bytes[5],
      routerLifetimeS: read16(bytes, 6),
      reachableTimeMs: read32(bytes, 8),
      retransTimerMs: read32(bytes, 12),
      options: parsed.options,
      pref64: pref64Options(bytes, parsed.options),
      rdnss: rdnssOptions(bytes, parsed.options),
      slaacPrefixes: slaacPrefixes(bytes, parsed.options),
    },
  };
}

// The PREF64 Neighbor Discovery option (RFC 8781 §4): a router announces the NAT64 prefix in its
// Router Advertisements.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |   Type (38)   |  Length (2)   |     Scaled Lifetime     | PLC |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |              Highest 96 bits of the Prefix (12 bytes)         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import type { Ipv6Prefix } from '../wire/address.js';
import { cutPrefix } from './nat64-prefix.js';

export const pref64OptionType = 38;

/** RFC 8781 §4: "The sender MUST set the length to 2" (units of 8 octets). */
export const pref64OptionBytes = 16;

/** RFC 8781 §4: the Scaled Lifetime counts units of 8 seconds. */
export const pref64LifetimeUnitS = 8;

/** RFC 8781 §4: Prefix Length Codes 0 to 5 are /96, /64, /56, /48, /40, /32; others are not defined. */
const prefixLengthByCode: readonly number[] = [96, 64, 56, 48, 40, 32];

export interface Pref64Option {
  /** A fresh copy; the bits past the prefix length are zero. */
  readonly prefix: Ipv6Prefix;
  /** Scaled Lifetime × 8. 0: the prefix must no longer be used (RFC 8781 §4, §5). */
  readonly lifetimeS: number;
}

/** Why an option was not read as a PREF64 prefix: each is "ignore the option" (RFC 8781 §4). */
export type Pref64IgnoredReason = 'not-pref64' | 'truncated' | 'bad-length' | 'bad-prefix-length-code';

export type Pref64Parse = { ok: true; option: Pref64Option } | { ok: false; reason: Pref64IgnoredReason };

/** Reads the ND option starting at `offset` (its Type byte). Never throws; never keeps `bytes`. */
export function parsePref64Option(bytes: Uint8Array, offset: number): Pref64Parse {
  if (offset < 0 || offset + 2 > bytes.length) return { ok: false, reason: 'truncated' };
  if (bytes[offset] !== pref64OptionType) return { ok: false, reason: 'not-pref64' };
  // RFC 8781 §4: "The receiver MUST ignore the PREF64 option if the Length field value is not 2."
  if (bytes[offset + 1] !== pref64OptionBytes / 8) return { ok: false, reason: 'bad-length' };
  if (offset + pref64OptionBytes > bytes.length) return { ok: false, reason: 'truncated' };
  const lifetimeAndCode = (bytes[offset + 2] << 8) | bytes[offset + 3];
  const prefixLength = prefixLengthByCode[lifetimeAndCode & 0x7];
  // RFC 8781 §4: the receiver MUST ignore the option when the PLC is not one of 0 to 5.
  if (prefixLength === undefined) return { ok: false, reason: 'bad-prefix-length-code' };
  return {
    ok: true,
    option: {
      prefix: cutPrefix(bytes, offset + 4, prefixLength),
      lifetimeS: (lifetimeAndCode >>> 3) * pref64LifetimeUnitS,
    },
  };
}

// NAT64 prefixes as discovery handles them: checked against RFC 6052 once, compared, and cut out of
// longer byte strings (a PREF64 option's 96 bits, a synthesized AAAA record's 128).

import { parseIpv6Prefix, type Ipv6Prefix } from '../wire/address.js';
import { rfc6052PrefixProblem } from '../xlat/rfc6052.js';

export type Nat64PrefixCheck = { ok: true; prefix: Ipv6Prefix } | { ok: false; error: string };

/** Whether `prefix` can carry IPv4 addresses by RFC 6052 (see rfc6052PrefixProblem). */
export function checkNat64Prefix(prefix: Ipv6Prefix): Nat64PrefixCheck {
  const problem = rfc6052PrefixProblem(prefix);
  return problem === undefined ? { ok: true, prefix } : { ok: false, error: problem };
}

/** A prefix typed by a user ("2001:db8:64::/96"), with an error that says what is wrong with it. */
export function parseNat64Prefix(text: string): Nat64PrefixCheck {
  const trimmed = text.trim();
  if (!trimmed.includes('/')) return { ok: false, error: `"${trimmed}" has no prefix length (write it as 2001:db8:64::/96)` };
  const prefix = parseIpv6Prefix(trimmed);
  if (prefix === undefined) return { ok: false, error: `"${trimmed}" is not an IPv6 prefix (host bits must be zero)` };
  return checkNat64Prefix(prefix);
}

/**
 * The first `lengthBits` bits (a multiple of 8) of the bytes at `offset` as a fresh prefix, never a
 * view of `bytes`: callers may reuse their buffer. The caller checks that `lengthBits / 8` bytes exist.
 */
export function cutPrefix(bytes: Uint8Array, offset: number, lengthBits: number): Ipv6Prefix {
  const address = new Uint8Array(16);
  for (let i = 0; i < lengthBits >> 3; i++) address[i] = bytes[offset + i];
  return { address, length: lengthBits };
}

export function samePrefix(a: Ipv6Prefix, b: Ipv6Prefix): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < 16; i++) if (a.address[i] !== b.address[i]) return false;
  return true;
}

// RFC 7050: learning the NAT64 prefix from DNS64. A DNS64 server synthesizes AAAA records for
// "ipv4only.arpa", a name with only the A records 192.0.0.170 and 192.0.0.171, by embedding those
// addresses under its prefix (RFC 6052); the host finds where they sit, and so the prefix and its length.
// The DNSSEC validation of §3.1 is optional and not done here.

import type { Ipv6Prefix } from '../wire/address.js';
import { extractIpv4, rfc6052PrefixLengths } from '../xlat/rfc6052.js';
import { cutPrefix, samePrefix } from './nat64-prefix.js';

export const ipv4onlyArpa = 'ipv4only.arpa';

/** The Well-Known IPv4 addresses of ipv4only.arpa: 192.0.0.170 and 192.0.0.171. */
export const wellKnownIpv4 = [0xc00000aa, 0xc00000ab] as const;

const uOctet = 8;

/** Where the bits after the embedded IPv4 address start (RFC 6052 §2.2); the u-octet is skipped. */
function suffixStart(prefixLength: number): number {
  return prefixLength === 96 ? 16 : (prefixLength >> 3) + 5;
}

function hasZeroSuffix(address: Uint8Array, prefixLength: number): boolean {
  for (let i = suffixStart(prefixLength); i < 16; i++) if (address[i] !== 0) return false;
  return true;
}

function embeddedWellKnown(address: Uint8Array, prefixLength: number): number | undefined {
  const v4 = extractIpv4(prefixLength, address, 0);
  return wellKnownIpv4.find((known) => known === v4);
}

/** Another answer holds the other well-known address at the same position under the same prefix. */
function confirmedByOtherAnswer(address: Uint8Array, prefixLength: number, answers: readonly Uint8Array[]): boolean {
  const mine = embeddedWellKnown(address, prefixLength);
  const prefix = cutPrefix(address, 0, prefixLength);
  return answers.some((other) => {
    const theirs = embeddedWellKnown(other, prefixLength);
    return theirs !== undefined && theirs !== mine && samePrefix(prefix, cutPrefix(other, 0, prefixLength));
  });
}

/** The prefix length at which `address` embeds a Well-Known IPv4 address, or undefined. */
function findPrefixLength(address: Uint8Array, answers: readonly Uint8Array[]): number | undefined {
  // RFC 7050 §3: look for the Well-Known addresses at each RFC 6052 position. RFC 6052 §2.2: bits 64
  // to 71 are zero at every length, so an address with a nonzero u-octet embeds nothing.
  if (address[uOctet] !== 0) return undefined;
  const positions = rfc6052PrefixLengths.filter((length) => embeddedWellKnown(address, length) !== undefined);
  if (positions.length <= 1) return positions[0];
  // Several positions match when the prefix itself contains c0.00.00.aa. Suffix bits should be zero
  // (RFC 6052 §2.2), and two positions can never both have a zero suffix: that settles most cases.
  const withZeroSuffix = positions.filter((length) => hasZeroSuffix(address, length));
  if (withZeroSuffix.length === 1) return withZeroSuffix[0];
  // The reason RFC 7050 has two Well-Known addresses: the true position is where the other one sits too.
  const confirmed = positions.filter((length) => confirmedByOtherAnswer(address, length, answers));
  return confirmed.length === 1 ? confirmed[0] : undefined;
}

/**
 * The NAT64 prefixes in the AAAA answers for ipv4only.arpa (RFC 7050 §3), each once, in answer order.
 * All of them are returned; the discovery state machine uses the first and reports the others.
 * Answers embedding neither Well-Known address contribute nothing (no guessing); an empty result means
 * no DNS64 here. Never throws; the prefixes are fresh copies.
 */
export function prefixFromIpv4onlyArpa(aaaaAddresses: readonly Uint8Array[]): Ipv6Prefix[] {
  const answers = aaaaAddresses.filter((address) => address.length === 16);
  const prefixes: Ipv6Prefix[] = [];
  for (const address of answers) {
    const length = findPrefixLength(address, answers);
    if (length === undefined) continue;
    const prefix = cutPrefix(address, 0, length);
    if (!prefixes.some((known) => samePrefix(known, prefix))) prefixes.push(prefix);
  }
  return prefixes;
}

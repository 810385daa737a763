// RFC 6052 IPv4-embedded IPv6 addresses. One rule for all six prefix lengths (§2.2): the 32 bits of
// the IPv4 address follow the prefix, skipping bits 64 to 71 (the "u" octet), which stay zero.
//
//   +--+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
//   |PL| 0-------------32--40--48--56--64--72--80--88--96--104---------|
//   |32|     prefix    |v4(32)         | u | suffix                    |
//   |40|     prefix        |v4(24)     | u |(8)| suffix                |
//   |48|     prefix            |v4(16) | u | (16)  | suffix            |
//   |56|     prefix                |(8)| u |  v4(24)   | suffix        |
//   |64|     prefix                    | u |   v4(32)      | suffix    |
//   |96|     prefix                                    |    v4(32)     |

import { read32 } from '../wire/bytes.js';
import type { Ipv6Prefix } from '../wire/address.js';

export const rfc6052PrefixLengths: readonly number[] = [32, 40, 48, 56, 64, 96];

/**
 * Why `prefix` cannot carry IPv4 addresses by RFC 6052, or undefined when it can: one of the six
 * lengths (§2.2), bits 64 to 71 zero (§2.2: the u-octet "MUST be set to zero"; for a /96 they lie
 * inside the prefix), host bits zero.
 */
export function rfc6052PrefixProblem(prefix: Ipv6Prefix): string | undefined {
  if (prefix.address.length !== 16) return 'a prefix address has 16 bytes';
  if (!rfc6052PrefixLengths.includes(prefix.length)) {
    return `prefix length /${prefix.length} is not one of /${rfc6052PrefixLengths.join(', /')} (RFC 6052 §2.2)`;
  }
  if (prefix.address[8] !== 0) return 'bits 64 to 71 (the u-octet) must be zero (RFC 6052 §2.2)';
  for (let i = prefix.length >> 3; i < 16; i++) {
    if (prefix.address[i] !== 0) return `bits after /${prefix.length} must be zero`;
  }
  return undefined;
}

/** The well-known prefix 64:ff9b::/96 (RFC 6052 §2.1). */
export const wellKnownPrefix: Ipv6Prefix = {
  address: Uint8Array.of(0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
  length: 96,
};

export function isWellKnownPrefix(prefix: Ipv6Prefix): boolean {
  if (prefix.length !== 96) return false;
  for (let i = 0; i < 12; i++) if (prefix.address[i] !== wellKnownPrefix.address[i]) return false;
  return true;
}

/** Writes the IPv4-embedded address of `v4` under `prefix` into `out` at `offset`. */
export function embedIpv4(prefix: Ipv6Prefix, v4: number, out: Uint8Array, offset: number): void {
  const prefixBytes = prefix.length >> 3;
  for (let i = 0; i < 16; i++) out[offset + i] = i < prefixBytes ? prefix.address[i] : 0;
  if (prefix.length === 96) {
    out[offset + 12] = v4 >>> 24;
    out[offset + 13] = (v4 >>> 16) & 0xff;
    out[offset + 14] = (v4 >>> 8) & 0xff;
    out[offset + 15] = v4 & 0xff;
    return;
  }
  let position = prefixBytes;
  for (let shift = 24; shift >= 0; shift -= 8) {
    if (position === 8) position++; // the u-octet
    out[offset + position++] = (v4 >>> shift) & 0xff;
  }
}

/** True when the address at `offset` lies inside `prefix` (prefix lengths are multiples of 8 here). */
export function hasPrefix(prefix: Ipv6Prefix, bytes: Uint8Array, offset: number): boolean {
  const whole = prefix.length >> 3;
  for (let i = 0; i < whole; i++) if (bytes[offset + i] !== prefix.address[i]) return false;
  const rest = prefix.length & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[offset + whole] & mask) === (prefix.address[whole] & mask);
}

/** The IPv4 address embedded in the address at `offset` under a prefix of `prefixLength` bits. */
export function extractIpv4(prefixLength: number, bytes: Uint8Array, offset: number): number {
  if (prefixLength === 96) return read32(bytes, offset + 12);
  let position = prefixLength >> 3;
  let v4 = 0;
  for (let i = 0; i < 4; i++) {
    if (position === 8) position++;
    v4 = (v4 << 8) | bytes[offset + position++];
  }
  return v4 >>> 0;
}

// RFC 6052 §3.1: the WKP must not represent non-global IPv4 addresses. These are the ranges of
// RFC 6890 (special-purpose registry) that are not globally reachable, plus RFC 1918 and multicast.
const nonGlobalIpv4: ReadonlyArray<readonly [number, number]> = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10.0.0.0/8 private
  [0x64400000, 10], // 100.64.0.0/10 shared address space (RFC 6598)
  [0x7f000000, 8], // 127.0.0.0/8 loopback
  [0xa9fe0000, 16], // 169.254.0.0/16 link local
  [0xac100000, 12], // 172.16.0.0/12 private
  [0xc0000000, 24], // 192.0.0.0/24 IETF protocol assignments
  [0xc0000200, 24], // 192.0.2.0/24 TEST-NET-1
  [0xc0a80000, 16], // 192.168.0.0/16 private
  [0xc6120000, 15], // 198.18.0.0/15 benchmarking
  [0xc6336400, 24], // 198.51.100.0/24 TEST-NET-2
  [0xcb007100, 24], // 203.0.113.0/24 TEST-NET-3
  [0xe0000000, 4], // 224.0.0.0/4 multicast
  [0xf0000000, 4], // 240.0.0.0/4 reserved, and 255.255.255.255
];

export function isNonGlobalIpv4(v4: number): boolean {
  for (const [network, length] of nonGlobalIpv4) {
    if ((v4 >>> (32 - length)) === (network >>> (32 - length))) return true;
  }
  return false;
}

/** RFC 1918 private address space: 10/8, 172.16/12, 192.168/16. */
const privateIpv4: ReadonlyArray<readonly [number, number]> = [
  [0x0a000000, 8],
  [0xac100000, 12],
  [0xc0a80000, 16],
];

export function isPrivateIpv4(v4: number): boolean {
  for (const [network, length] of privateIpv4) {
    if ((v4 >>> (32 - length)) === (network >>> (32 - length))) return true;
  }
  return false;
}

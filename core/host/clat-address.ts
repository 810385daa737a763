// The CLAT's own IPv6 address: one address in the uplink's SLAAC /64, used for nothing but the
// CLAT's translated traffic (RFC 6877 §6.3: a dedicated address, so that the host's own traffic and
// the CLAT's never mix). It is stable per network, in the manner of RFC 7217: the interface
// identifier is a hash of a secret kept in the state directory, the /64 prefix, the interface name
// and a duplicate-address counter, so the same network gives the same address and a duplicate
// moves on to the next candidate.

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIpv6, parseIpv6 } from '../wire/address.js';

const secretFile = 'clat-secret';

/** The per-host secret (RFC 7217 §5 "secret_key"), created on first use. */
export function loadSecret(stateDir: string): Uint8Array {
  const path = join(stateDir, secretFile);
  if (existsSync(path)) {
    const stored = readFileSync(path);
    if (stored.length >= 16) return new Uint8Array(stored);
  }
  const secret = randomBytes(32);
  writeFileSync(path, secret, { mode: 0o600 });
  return new Uint8Array(secret);
}

/** RFC 5453 reserved interface identifiers: the subnet-router anycast (0) and fdff:ffff:ffff:ff80::/121. */
function isReservedIid(iid: Uint8Array): boolean {
  if (iid.every((byte) => byte === 0)) return true;
  return iid[0] === 0xfd && iid[1] === 0xff && iid[2] === 0xff && iid[3] === 0xff && iid[4] === 0xff && iid[5] === 0xff && iid[6] === 0xff && iid[7] >= 0x80;
}

/**
 * Candidate number `dadCounter` for the CLAT address in the /64 of `uplinkAddress`. Returns the
 * address text; throws only on an argument that is not an IPv6 address (a bug).
 */
export function clatAddressCandidate(uplinkAddress: string, uplinkName: string, secret: Uint8Array, dadCounter: number): string {
  const bytes = parseIpv6(uplinkAddress);
  if (bytes === undefined) throw new Error(`not an IPv6 address: ${uplinkAddress}`);
  for (let attempt = 0; ; attempt++) {
    const hash = createHash('sha256')
      .update(bytes.subarray(0, 8))
      .update(uplinkName)
      .update(`clatter-clat:${dadCounter}:${attempt}`)
      .update(secret)
      .digest();
    const iid = new Uint8Array(hash.subarray(0, 8));
    if (isReservedIid(iid)) continue;
    const address = new Uint8Array(16);
    address.set(bytes.subarray(0, 8));
    address.set(iid, 8);
    return formatIpv6(address);
  }
}

/**
 * The CLAT's address on a network without SLAAC (nat66 delivery): a unique local address
 * (RFC 4193: fd00::/8 and a 40-bit pseudo-random global ID, here from the per-host secret), never
 * seen outside the host, since NAT66 puts the host's own address on the CLAT's packets.
 */
export function clatNat66Address(uplinkName: string, secret: Uint8Array): string {
  const hash = createHash('sha256').update(uplinkName).update('clatter-nat66').update(secret).digest();
  const address = new Uint8Array(16);
  address[0] = 0xfd;
  address.set(hash.subarray(0, 5), 1);
  address[6] = 0xc1; // subnet ID c1a7: "clat"
  address[7] = 0xa7;
  address[15] = 1;
  return formatIpv6(address);
}

// Address translation for both directions: RFC 7757 explicit mappings first, then the RFC 6052
// prefix (pool6), with the RFC 6052 §3.1 restriction on the well-known prefix (relaxed for RFC 1918
// addresses when the configuration allows it, draft-ietf-v6ops-nat64-wkp-1918).

import type { Ipv6Prefix } from '../wire/address.js';
import type { SiitConfig } from './config.js';
import { Eamt } from './eamt.js';
import { embedIpv4, extractIpv4, hasPrefix, isNonGlobalIpv4, isPrivateIpv4, isWellKnownPrefix } from './rfc6052.js';

/** map6to4 and map4to6 results other than success. */
export const noMapping = -1;
export const wkpNonGlobal = -2;

export class AddressMap {
  readonly eamt: Eamt;
  readonly pool6: Ipv6Prefix | null;
  private readonly pool6IsWkp: boolean;
  private readonly allowPrivateWkp: boolean;
  /** Whether the last successful mapping (either way) used the EAMT (false: pool6). */
  lastMappedByEamt = false;

  constructor(config: SiitConfig) {
    this.eamt = new Eamt(config.eamt);
    this.pool6 = config.pool6;
    this.pool6IsWkp = config.pool6 !== null && isWellKnownPrefix(config.pool6);
    this.allowPrivateWkp = config.allowPrivateWkp;
  }

  /** RFC 6052 §3.1: `v4` may not be written under the WKP (RFC 1918 may, when allowed). */
  private refusedUnderWkp(v4: number): boolean {
    return this.pool6IsWkp && isNonGlobalIpv4(v4) && !(this.allowPrivateWkp && isPrivateIpv4(v4));
  }

  /**
   * Writes the IPv6 form of `v4` at `out[offset]`. Returns 0, `noMapping` or `wkpNonGlobal`.
   * `pool6Only` skips the EAMT: RFC 7757 §4 translates the source of a hairpinned packet by RFC 6052.
   */
  map4to6(v4: number, out: Uint8Array, offset: number, pool6Only: boolean): number {
    if (!pool6Only && this.eamt.size > 0 && this.eamt.map4to6(v4, out, offset)) {
      this.lastMappedByEamt = true;
      return 0;
    }
    this.lastMappedByEamt = false;
    if (this.pool6 === null) return noMapping;
    if (this.refusedUnderWkp(v4)) return wkpNonGlobal;
    embedIpv4(this.pool6, v4, out, offset);
    return 0;
  }

  /** The IPv4 form of the IPv6 address at `bytes[offset]`, or `noMapping` / `wkpNonGlobal` (negative). */
  map6to4(bytes: Uint8Array, offset: number): number {
    if (this.eamt.size > 0) {
      const mapped = this.eamt.map6to4(bytes, offset);
      if (mapped >= 0) {
        this.lastMappedByEamt = true;
        return mapped;
      }
    }
    this.lastMappedByEamt = false;
    const pool6 = this.pool6;
    if (pool6 === null || !hasPrefix(pool6, bytes, offset)) return noMapping;
    const v4 = extractIpv4(pool6.length, bytes, offset);
    if (this.refusedUnderWkp(v4)) return wkpNonGlobal;
    return v4;
  }

  /**
   * RFC 7757 §4: an IPv6 destination translated by pool6 into an IPv4 address that an EAMT entry
   * holds names a node on the IPv6 side: the packet must be hairpinned. Call right after mapping
   * the destination (a destination mapped by the EAMT itself, as the CLAT's own address is, is not).
   */
  isHairpin(v4Destination: number): boolean {
    return !this.lastMappedByEamt && this.eamt.size > 0 && this.eamt.find4(v4Destination) !== undefined;
  }
}

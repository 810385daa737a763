// RFC 7757 Explicit Address Mapping Table: pairs of an IPv4 and an IPv6 prefix. An address inside
// one prefix maps to the other by keeping its suffix bits: the IPv4 suffix goes right after the IPv6
// prefix and the remaining IPv6 bits are zero (§3.2). Lookups take the longest matching prefix.

import type { EamtEntry } from './config.js';
import { hasPrefix } from './rfc6052.js';

export class Eamt {
  /** Entries by IPv4 prefix length, longest first. */
  private readonly by4: EamtEntry[];
  /** Entries by IPv6 prefix length, longest first. */
  private readonly by6: EamtEntry[];

  constructor(entries: readonly EamtEntry[]) {
    this.by4 = [...entries].sort((a, b) => b.ipv4.length - a.ipv4.length);
    this.by6 = [...entries].sort((a, b) => b.ipv6.length - a.ipv6.length);
  }

  get size(): number {
    return this.by4.length;
  }

  /** The entry whose IPv4 prefix holds `v4` (longest match), or undefined. */
  find4(v4: number): EamtEntry | undefined {
    for (const entry of this.by4) {
      const length = entry.ipv4.length;
      if (length === 0 || (v4 >>> (32 - length)) === (entry.ipv4.address >>> (32 - length))) return entry;
    }
    return undefined;
  }

  /** Maps `v4` into `out` at `offset`; false when no entry holds it. */
  map4to6(v4: number, out: Uint8Array, offset: number): boolean {
    const entry = this.find4(v4);
    if (entry === undefined) return false;
    const prefix = entry.ipv6.address;
    for (let i = 0; i < 16; i++) out[offset + i] = prefix[i];
    const suffixBits = 32 - entry.ipv4.length;
    // Copy the IPv4 suffix bit by bit to the position after the IPv6 prefix.
    for (let bit = 0; bit < suffixBits; bit++) {
      if ((v4 >>> (suffixBits - 1 - bit)) & 1) {
        const target = entry.ipv6.length + bit;
        out[offset + (target >> 3)] |= 0x80 >> (target & 7);
      }
    }
    return true;
  }

  /** Maps the IPv6 address at `offset` to IPv4, or returns -1 when no entry holds it. */
  map6to4(bytes: Uint8Array, offset: number): number {
    for (const entry of this.by6) {
      if (!hasPrefix(entry.ipv6, bytes, offset)) continue;
      const suffixBits = 32 - entry.ipv4.length;
      let suffix = 0;
      for (let bit = 0; bit < suffixBits; bit++) {
        const source = entry.ipv6.length + bit;
        suffix = suffix * 2 + ((bytes[offset + (source >> 3)] >> (7 - (source & 7))) & 1);
      }
      return (entry.ipv4.address + suffix) >>> 0;
    }
    return -1;
  }
}

// Remote names for flows, learned from the DNS responses that come back through the CLAT to the
// host: IPv4 UDP from port 53 in direction 64 (the translator's IPv4 output). Only programs that
// ask an IPv4 DNS server go through the CLAT; those that use the system resolver over IPv6 (DNS64)
// do not, and their flows stay unnamed.
//
// A bounded map, address → name, in least recently learned order: a new answer moves its address
// to the back and the front goes when the map is full. Names outlive their TTL on purpose:
// programs (and their own caches) keep using an address after its TTL runs out, and a name that
// may be stale is better than none for a display. So an entry lasts max(TTL, minKeepMs), capped at
// maxKeepMs. Parsing allocates (strings, small objects), but only for port-53 responses.

import { dnsAddressAnswers } from './dns-answers.js';
import type { RemoteNames } from './flow-table.js';
import { read16 } from '../wire/bytes.js';
import { protocol } from '../wire/protocol.js';

const dnsPort = 53;

export interface DnsNamesOptions {
  /** Most addresses remembered (default 4096). */
  readonly capacity?: number;
  /** Default 5 min. */
  readonly minKeepMs?: number;
  /** Default 1 day. */
  readonly maxKeepMs?: number;
}

interface NameEntry {
  readonly name: string;
  readonly expiresMs: number;
}

export class DnsNames implements RemoteNames {
  readonly capacity: number;
  private readonly minKeepMs: number;
  private readonly maxKeepMs: number;
  private readonly entries = new Map<number, NameEntry>();

  constructor(options: DnsNamesOptions = {}) {
    this.capacity = options.capacity ?? 4096;
    this.minKeepMs = options.minKeepMs ?? 5 * 60_000;
    this.maxKeepMs = options.maxKeepMs ?? 24 * 3_600_000;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Learns from the IPv4 packet `bytes[start, start + length)` if it is a DNS response (UDP from
   * port 53, first or only fragment). Cheap for anything else. Returns how many names it learned.
   */
  learnFromIpv4(bytes: Uint8Array, start: number, length: number, nowMs: number): number {
    const udp = ipv4DnsResponseUdp(bytes, start, length);
    if (udp < 0) return 0;
    const totalLen = Math.min(read16(bytes, start + 2), length);
    // A first fragment's UDP length covers the whole datagram: read what this packet holds.
    const end = Math.min(start + totalLen, udp + Math.max(read16(bytes, udp + 4), 8));
    const answers = dnsAddressAnswers(bytes, udp + 8, end);
    for (const answer of answers) this.learn(answer.address, answer.name, answer.ttlSeconds, nowMs);
    return answers.length;
  }

  learn(address: number, name: string, ttlSeconds: number, nowMs: number): void {
    const keepMs = Math.min(Math.max(ttlSeconds * 1000, this.minKeepMs), this.maxKeepMs);
    this.entries.delete(address);
    this.entries.set(address, { name, expiresMs: nowMs + keepMs });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** The name last learned for `ipv4` (uint32), unless it has expired. */
  nameOf(ipv4: number, nowMs: number): string | undefined {
    const entry = this.entries.get(ipv4);
    if (entry === undefined) return undefined;
    if (nowMs > entry.expiresMs) {
      this.entries.delete(ipv4);
      return undefined;
    }
    return entry.name;
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Where the UDP header of the IPv4 packet `bytes[start, start + length)` begins if the packet is a
 * DNS response (UDP from port 53, first or only fragment), else -1.
 */
export function ipv4DnsResponseUdp(bytes: Uint8Array, start: number, length: number): number {
  if (length < 28 || bytes[start] >> 4 !== 4 || bytes[start + 9] !== protocol.udp) return -1;
  if ((read16(bytes, start + 6) & 0x1fff) !== 0) return -1;
  const ihl = (bytes[start] & 0x0f) << 2;
  const totalLen = Math.min(read16(bytes, start + 2), length);
  if (ihl < 20 || ihl + 8 > totalLen) return -1;
  return read16(bytes, start + ihl) === dnsPort ? start + ihl : -1;
}

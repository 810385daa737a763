// The translator's configuration: the JSON users and tools write, and its validated form.
// Field names are a stable contract (see README, "Configuration"); every error names its field.

import {
  parseIpv4,
  parseIpv4Prefix,
  parseIpv6,
  parseIpv6Prefix,
  type Ipv4Prefix,
  type Ipv6Prefix,
} from '../wire/address.js';
import { rfc6052PrefixProblem } from './rfc6052.js';

export type UdpZeroChecksumPolicy = 'drop' | 'compute' | 'forward';

export interface SiitConfigJson {
  pool6?: string | null;
  eamt?: { ipv6: string; ipv4: string }[];
  rfc6791v4?: string | null;
  rfc6791v6?: string | null;
  selfIpv4: string;
  selfIpv6: string;
  lowestIpv6Mtu?: number;
  mtu?: { ipv4?: number; ipv6?: number };
  udpZeroChecksum?: UdpZeroChecksumPolicy;
  decrementTtl?: boolean;
  hopDecrementedDownstream?: boolean;
  allowPrivateWkp?: boolean;
}

export interface EamtEntry {
  readonly ipv6: Ipv6Prefix;
  readonly ipv4: Ipv4Prefix;
}

export interface SiitConfig {
  /** RFC 6052 prefix for addresses without an explicit mapping; null: EAMT only. */
  readonly pool6: Ipv6Prefix | null;
  /** RFC 7757 explicit address mappings. */
  readonly eamt: readonly EamtEntry[];
  /** RFC 6791 source for translated ICMPv6 errors whose source has no IPv4 mapping; null: selfIpv4. */
  readonly rfc6791v4: number | null;
  /** RFC 6791 source for translated ICMPv4 errors whose source has no IPv6 mapping; null: selfIpv6. */
  readonly rfc6791v6: Uint8Array | null;
  /** The translator's own addresses: the source of the ICMP errors it generates. */
  readonly selfIpv4: number;
  readonly selfIpv6: Uint8Array;
  /** RFC 7915 §4.1: DF=0 IPv4 packets are fragmented to fit this (1280 unless the operator knows better). */
  readonly lowestIpv6Mtu: number;
  /** MTUs of the links the translator sends on. */
  readonly mtu: { readonly ipv4: number; readonly ipv6: number };
  /** RFC 7915 §4.5: what to do with IPv4 UDP whose checksum is 0. */
  readonly udpZeroChecksum: UdpZeroChecksumPolicy;
  /** RFC 7915 §4.1, §5.1: the translator is a router and decrements TTL / hop limit. */
  readonly decrementTtl: boolean;
  /**
   * The IPv4 → IPv6 decrement is done after the translator, without a check, by the next thing on
   * the way (the kernel's nftables `fwd` of a CLAT with ingress delivery): the translator still
   * expires TTL 1 (RFC 8200 §3: never sent with Hop Limit 0) but leaves the decrement to it, so the
   * host counts as one hop, as a translator should.
   */
  readonly hopDecrementedDownstream: boolean;
  /**
   * Translate RFC 1918 private IPv4 addresses under the well-known prefix 64:ff9b::/96, as
   * draft-ietf-v6ops-nat64-wkp-1918 allows for networks whose NAT64 reaches private IPv4 services;
   * false (the default): RFC 6052 §3.1, no non-global IPv4 under the WKP. Other non-global ranges
   * (loopback, link-local, multicast, …) stay refused either way.
   */
  readonly allowPrivateWkp: boolean;
}

export type ConfigResult = { ok: true; config: SiitConfig } | { ok: false; error: string };

/**
 * RFC 7915 §5.1 sends IPv4 packets of up to 1260 bytes with DF clear, leaving fragmentation to IPv4
 * routers; the translator is the first of them and does not fragment IPv4, so its link must carry 1260.
 */
const ipv4MtuMin = 1260;

const knownFields = new Set([
  'pool6', 'eamt', 'rfc6791v4', 'rfc6791v6', 'selfIpv4', 'selfIpv6',
  'lowestIpv6Mtu', 'mtu', 'udpZeroChecksum', 'decrementTtl', 'hopDecrementedDownstream', 'allowPrivateWkp',
]);

class ConfigError extends Error {}

function fail(field: string, message: string): never {
  throw new ConfigError(`${field}: ${message}`);
}

function ipv4Field(field: string, value: unknown): number {
  if (typeof value !== 'string') fail(field, 'must be an IPv4 address string');
  const address = parseIpv4(value);
  if (address === undefined) fail(field, `"${value}" is not an IPv4 address`);
  return address;
}

function ipv6Field(field: string, value: unknown): Uint8Array {
  if (typeof value !== 'string') fail(field, 'must be an IPv6 address string');
  const address = parseIpv6(value);
  if (address === undefined) fail(field, `"${value}" is not an IPv6 address`);
  return address;
}

function mtuField(field: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 65535) {
    fail(field, `must be a whole number from ${min} to 65535`);
  }
  return value;
}

function eamtField(value: unknown): EamtEntry[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail('eamt', 'must be an array of { "ipv6": prefix, "ipv4": prefix }');
  return value.map((entry: unknown, i) => {
    const field = `eamt[${i}]`;
    if (typeof entry !== 'object' || entry === null) fail(field, 'must be { "ipv6": prefix, "ipv4": prefix }');
    const { ipv6: v6Text, ipv4: v4Text } = entry as Record<string, unknown>;
    if (typeof v6Text !== 'string') fail(`${field}.ipv6`, 'must be an IPv6 prefix string');
    if (typeof v4Text !== 'string') fail(`${field}.ipv4`, 'must be an IPv4 prefix string');
    const ipv6 = parseIpv6Prefix(v6Text);
    if (ipv6 === undefined) fail(`${field}.ipv6`, `"${v6Text}" is not an IPv6 prefix (host bits must be 0)`);
    const ipv4 = parseIpv4Prefix(v4Text);
    if (ipv4 === undefined) fail(`${field}.ipv4`, `"${v4Text}" is not an IPv4 prefix (host bits must be 0)`);
    // RFC 7757 §3.2: the IPv4 suffix is copied right after the IPv6 prefix, so it must fit.
    if (32 - ipv4.length > 128 - ipv6.length) {
      fail(field, `the IPv4 suffix (${32 - ipv4.length} bits) is longer than the IPv6 suffix (${128 - ipv6.length} bits)`);
    }
    return { ipv6, ipv4 };
  });
}

function parse(json: unknown): SiitConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('config', 'must be a JSON object');
  const raw = json as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!knownFields.has(key)) fail(key, 'is not a configuration field');
  }
  let pool6: Ipv6Prefix | null = null;
  if (raw.pool6 !== undefined && raw.pool6 !== null) {
    if (typeof raw.pool6 !== 'string') fail('pool6', 'must be an IPv6 prefix string or null');
    const prefix = parseIpv6Prefix(raw.pool6);
    if (prefix === undefined) fail('pool6', `"${raw.pool6}" is not an IPv6 prefix (host bits must be 0)`);
    const problem = rfc6052PrefixProblem(prefix);
    if (problem !== undefined) fail('pool6', problem);
    pool6 = prefix;
  }
  const eamt = eamtField(raw.eamt);
  if (pool6 === null && eamt.length === 0) fail('pool6', 'needed unless eamt has entries');
  const mtuRaw = raw.mtu ?? {};
  if (typeof mtuRaw !== 'object' || mtuRaw === null) fail('mtu', 'must be { "ipv4": n, "ipv6": n }');
  const { ipv4: mtu4, ipv6: mtu6, ...otherMtu } = mtuRaw as Record<string, unknown>;
  for (const key of Object.keys(otherMtu)) fail(`mtu.${key}`, 'is not a configuration field');
  const udp = raw.udpZeroChecksum ?? 'drop';
  if (udp !== 'drop' && udp !== 'compute' && udp !== 'forward') {
    fail('udpZeroChecksum', 'must be "drop", "compute" or "forward"');
  }
  const decrementTtl = raw.decrementTtl ?? true;
  if (typeof decrementTtl !== 'boolean') fail('decrementTtl', 'must be true or false');
  const hopDecrementedDownstream = raw.hopDecrementedDownstream ?? false;
  if (typeof hopDecrementedDownstream !== 'boolean') fail('hopDecrementedDownstream', 'must be true or false');
  const allowPrivateWkp = raw.allowPrivateWkp ?? false;
  if (typeof allowPrivateWkp !== 'boolean') fail('allowPrivateWkp', 'must be true or false');
  if (raw.selfIpv4 === undefined) fail('selfIpv4', 'is required (source of the ICMPv4 errors the translator sends)');
  if (raw.selfIpv6 === undefined) fail('selfIpv6', 'is required (source of the ICMPv6 errors the translator sends)');
  return {
    pool6,
    eamt,
    rfc6791v4: raw.rfc6791v4 === undefined || raw.rfc6791v4 === null ? null : ipv4Field('rfc6791v4', raw.rfc6791v4),
    rfc6791v6: raw.rfc6791v6 === undefined || raw.rfc6791v6 === null ? null : ipv6Field('rfc6791v6', raw.rfc6791v6),
    selfIpv4: ipv4Field('selfIpv4', raw.selfIpv4),
    selfIpv6: ipv6Field('selfIpv6', raw.selfIpv6),
    lowestIpv6Mtu: mtuField('lowestIpv6Mtu', raw.lowestIpv6Mtu, 1280, 1280),
    mtu: { ipv4: mtuField('mtu.ipv4', mtu4, 1500, ipv4MtuMin), ipv6: mtuField('mtu.ipv6', mtu6, 1500, 1280) },
    udpZeroChecksum: udp,
    decrementTtl,
    hopDecrementedDownstream,
    allowPrivateWkp,
  };
}

/** Validates a configuration object; the error names the offending field. */
export function parseSiitConfig(json: unknown): ConfigResult {
  try {
    return { ok: true, config: parse(json) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, error: error.message };
    throw error;
  }
}

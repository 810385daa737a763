// The translator fuzzer: random packets and mutations of real ones (the Jool corpus), through
// several configurations, in both directions. Every result must be a well-formed packet or a
// verdict from the table; nothing may throw. Deterministic for a given seed.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { finishChecksum, sumWords } from '../../core/wire/checksum.js';
import { read16, write16 } from '../../core/wire/bytes.js';
import { parseSiitConfig, type SiitConfig, type SiitConfigJson } from '../../core/xlat/config.js';
import { XlatOutput } from '../../core/xlat/output.js';
import { Translator } from '../../core/xlat/translator.js';
import { verdictCount } from '../../core/xlat/verdict.js';
import { checkTranslation } from './packet-shape.js';

const configs: SiitConfigJson[] = [
  { // Jool's graybox network
    pool6: '2001:db8:100::/40',
    eamt: [{ ipv6: '2001:db8:3::/120', ipv4: '1.0.0.0/24' }, { ipv6: '2001:db8:2::/120', ipv4: '10.0.0.0/24' }],
    rfc6791v4: '203.0.113.8', selfIpv4: '198.51.100.1', selfIpv6: '2001:db8:1c0:2:1::',
  },
  { // a CLAT
    pool6: '2001:db8:64::/96', eamt: [{ ipv6: '2001:db8:1:2::c1a7/128', ipv4: '192.0.0.1/32' }],
    selfIpv4: '192.0.0.2', selfIpv6: '2001:db8:1:2::1', udpZeroChecksum: 'compute', mtu: { ipv4: 1280, ipv6: 1280 },
  },
  { // the well-known prefix, forwarding zero UDP checksums, a larger lowest IPv6 MTU
    pool6: '64:ff9b::/96', selfIpv4: '192.0.0.2', selfIpv6: '2001:db8:1:2::1', udpZeroChecksum: 'forward',
    lowestIpv6Mtu: 1400, decrementTtl: false,
  },
  { pool6: '2001:db8:122:344::/64', selfIpv4: '192.0.0.2', selfIpv6: '2001:db8::1' },
  { pool6: '2001:db8:122::/48', rfc6791v6: '2001:db8::6791', selfIpv4: '192.0.0.2', selfIpv6: '2001:db8::1' },
];

/** xorshift32: small, fast, reproducible. */
class Random {
  constructor(private state: number) {
    if (this.state === 0) this.state = 0x9e3779b9;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  below(n: number): number {
    return this.next() % n;
  }
}

function listPackets(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...listPackets(path));
    else if (name.endsWith('.pkt')) found.push(path);
  }
  return found;
}

export interface FuzzStats {
  packets: number;
  translated: number;
  outputs: number;
  byVerdict: number[];
  failures: string[];
}

export function loadSeeds(corpusDir: string): Uint8Array[] {
  return listPackets(corpusDir).map((path) => new Uint8Array(readFileSync(path)));
}

/** Makes one input: a mutated seed (most of the time) or random bytes with an IP-like start. */
function makeInput(random: Random, seeds: Uint8Array[], scratch: Uint8Array): number {
  if (random.below(8) === 0 || seeds.length === 0) {
    const length = random.below(1600);
    for (let i = 0; i < length; i++) scratch[i] = random.next() & 0xff;
    if (length > 0) scratch[0] = (random.below(2) === 0 ? 0x40 : 0x60) | (scratch[0] & 0x0f);
    return length;
  }
  const seed = seeds[random.below(seeds.length)];
  let length = seed.length;
  scratch.set(seed);
  const mutations = 1 + random.below(4);
  for (let m = 0; m < mutations; m++) {
    switch (random.below(7)) {
      case 0: // flip a byte anywhere
        if (length > 0) scratch[random.below(length)] = random.next() & 0xff;
        break;
      case 1: // flip a byte in the first 64 (headers)
        if (length > 0) scratch[random.below(Math.min(64, length))] ^= 1 << random.below(8);
        break;
      case 2: // truncate
        length = random.below(length + 1);
        break;
      case 3: { // extend with random bytes
        const extra = random.below(64);
        for (let i = 0; i < extra && length < scratch.length; i++) scratch[length++] = random.next() & 0xff;
        break;
      }
      case 4: // set a 16-bit field to an edge value
        if (length > 2) {
          const at = random.below(Math.min(60, length - 1));
          const edge = [0, 1, 0xffff, 0x8000, length & 0xffff][random.below(5)];
          scratch[at] = edge >> 8;
          scratch[at + 1] = edge & 0xff;
        }
        break;
      case 5: // copy a block within the packet (headers repeated, as nested errors)
        if (length > 8) {
          const from = random.below(length);
          const to = random.below(length);
          const size = random.below(Math.min(length - Math.max(from, to), 48) + 1);
          scratch.copyWithin(to, from, from + size);
        }
        break;
      default: // TTL / hop limit edge
        if (length > 8) scratch[scratch[0] >> 4 === 6 ? 7 : 8] = random.below(3);
    }
  }
  return length;
}

/**
 * Most mutations break a checksum and end in an early drop; repairing the IPv4 header and ICMP
 * checksums afterwards lets the mutated packet reach the deeper paths (ICMP errors, fragments).
 */
function repairChecksums(p: Uint8Array, length: number): void {
  if (length >= 20 && p[0] >> 4 === 4) {
    const ihl = (p[0] & 0xf) * 4;
    if (ihl < 20 || ihl > length) return;
    write16(p, 10, 0);
    write16(p, 10, finishChecksum(sumWords(p, 0, ihl)));
    const total = Math.min(read16(p, 2), length);
    if (p[9] === 1 && total >= ihl + 4) {
      write16(p, ihl + 2, 0);
      write16(p, ihl + 2, finishChecksum(sumWords(p, ihl, total)));
    }
  } else if (length >= 44 && p[0] >> 4 === 6 && p[6] === 58) {
    const end = Math.min(40 + read16(p, 4), length);
    write16(p, 42, 0);
    const pseudo = sumWords(p, 8, 40) + (end - 40) + 58;
    write16(p, 42, finishChecksum(sumWords(p, 40, end, pseudo)));
  }
}

/** Sees each fuzzed packet after its translation (the explanation evidence re-runs it). */
export type FuzzVisitor = (input: Uint8Array, config: SiitConfig, verdict: number, out: XlatOutput) => void;

export function fuzz(seeds: Uint8Array[], packets: number, seedValue: number, onProgress?: (done: number) => void, visit?: FuzzVisitor): FuzzStats {
  const random = new Random(seedValue);
  const translators = configs.map((json) => {
    const parsed = parseSiitConfig(json);
    if (!parsed.ok) throw new Error(`fuzz config: ${parsed.error}`);
    return new Translator(parsed.config);
  });
  const out = new XlatOutput();
  const scratch = new Uint8Array(70_000);
  const stats: FuzzStats = { packets: 0, translated: 0, outputs: 0, byVerdict: new Array<number>(verdictCount).fill(0), failures: [] };
  for (let i = 0; i < packets; i++) {
    const length = makeInput(random, seeds, scratch);
    if (random.below(4) !== 0) repairChecksums(scratch, length);
    // The corpus addresses belong to the first configuration: use it most of the time.
    const translator = translators[random.below(2) === 0 ? 0 : random.below(translators.length)];
    const input = scratch.slice(0, length);
    let verdict: number;
    try {
      verdict = translator.translate(input, out);
    } catch (error) {
      stats.failures.push(`packet ${i}: threw ${(error as Error).stack ?? String(error)}; input ${Buffer.from(input).toString('hex')}`);
      if (stats.failures.length >= 10) break;
      continue;
    }
    const problem = checkTranslation(verdict, out);
    if (problem !== undefined) {
      stats.failures.push(`packet ${i}: ${problem}; input ${Buffer.from(input).toString('hex')}`);
      if (stats.failures.length >= 10) break;
    }
    visit?.(input, translator.config, verdict, out);
    stats.packets++;
    stats.byVerdict[verdict]++;
    if (verdict === 0) stats.translated++;
    stats.outputs += out.count;
    if (onProgress !== undefined && (i + 1) % 100_000 === 0) onProgress(i + 1);
  }
  return stats;
}

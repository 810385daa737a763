// `npm run bench:xlat`: how fast the translator runs on one core, and what it allocates.
// For 64, 512 and 1500-byte UDP packets in each direction (the CLAT configuration: pool6
// 2001:db8:64::/96, 192.0.0.1 ↔ the CLAT's IPv6 address), it prints packets per second, Gbit/s of
// input, nanoseconds per packet, and heap bytes allocated per packet with the number of garbage
// collections seen while measuring. Input and output share one arena, as in the engine.
//
// Options: --seconds N (per measurement, default 2), --json, --baseline DIR.
//
// --baseline DIR compares this build with another one in the same process: DIR is that build's
// output directory (`dist` of another checkout, after `npx tsc -b`). Each row then runs the two
// translators in turns of a tenth of --seconds, twenty turns each, and prints both medians and the
// median of the per-turn ratios. Taking turns in one process puts both under the same load of a
// shared machine, which separate runs cannot do: there, single runs of one build vary by ±10 %.

import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { finishChecksum, sumWords } from '../../core/wire/checksum.js';
import { write16, write32 } from '../../core/wire/bytes.js';
import { parseIpv6 } from '../../core/wire/address.js';
import * as configModule from '../../core/xlat/config.js';
import * as outputModule from '../../core/xlat/output.js';
import * as translatorModule from '../../core/xlat/translator.js';
import { Verdict, verdictNames } from '../../core/xlat/verdict.js';
import { gcCount } from './gc-counter.js';

const clatIpv6 = '2001:db8:1:2::c1a7';

/** The modules of one build of the translator: this one, or the --baseline. */
interface Build {
  parseSiitConfig: typeof configModule.parseSiitConfig;
  outputBufferBytes: typeof outputModule.outputBufferBytes;
  XlatOutput: typeof outputModule.XlatOutput;
  Translator: typeof translatorModule.Translator;
}

const thisBuild: Build = { ...configModule, ...outputModule, ...translatorModule };

async function loadBuild(dir: string): Promise<Build> {
  const load = (file: string): Promise<Record<string, unknown>> => import(pathToFileURL(resolve(dir, 'core/xlat', file)).href);
  const [config, output, translator] = await Promise.all([load('config.js'), load('output.js'), load('translator.js')]);
  return { ...config, ...output, ...translator } as unknown as Build;
}

/** One translator of `build` with the input at the arena's start and the output after it. */
function benchTranslator(build: Build, direction: '46' | '64', size: number): (count: number) => number {
  const config = build.parseSiitConfig({
    pool6: '2001:db8:64::/96',
    eamt: [{ ipv6: `${clatIpv6}/128`, ipv4: '192.0.0.1/32' }],
    selfIpv4: '192.0.0.2',
    selfIpv6: '2001:db8:1:2::1',
    // 1500-byte IPv4 packets become 1520-byte IPv6 packets: give the IPv6 side room for them.
    mtu: { ipv4: 1500, ipv6: 1520 },
  });
  if (!config.ok) throw new Error(config.error);
  const inputRegion = 4096;
  const arena = new Uint8Array(inputRegion + build.outputBufferBytes(0));
  const out = new build.XlatOutput(arena, 0, inputRegion);
  const translator = new build.Translator(config.config);
  if (direction === '46') writeUdp4(arena, 0, size);
  else writeUdp6(arena, 0, size);
  const first = translator.translateAt(arena, 0, size, out);
  if (first !== Verdict.translated) throw new Error(`benchmark packet not translated: ${verdictNames[first]}`);
  return packetLoop(translator, arena, size, out);
}

type PacketLoopFactory = (translator: unknown, arena: Uint8Array, size: number, out: unknown) => (count: number) => number;

/**
 * A loop that translates the packet `count` times and answers how many were not translated. Each
 * build gets a loop compiled on its own: closures of one function literal share V8's type feedback,
 * so one loop for both builds would see two Translator classes and be slower for both.
 */
function packetLoop(translator: unknown, arena: Uint8Array, size: number, out: unknown): (count: number) => number {
  const factory = new Function('translator', 'arena', 'size', 'out', `
    return (count) => {
      let failures = 0;
      for (let i = 0; i < count; i++) failures += translator.translateAt(arena, 0, size, out);
      return failures;
    };`) as PacketLoopFactory;
  return factory(translator, arena, size, out);
}

/** A UDP/IPv4 packet of `size` bytes from the CLAT host to 203.0.113.10, written at `at`. */
function writeUdp4(arena: Uint8Array, at: number, size: number): void {
  arena.fill(0, at, at + size);
  arena[at] = 0x45;
  write16(arena, at + 2, size);
  write16(arena, at + 6, 0x4000);
  arena[at + 8] = 64;
  arena[at + 9] = 17;
  write32(arena, at + 12, 0xc0000001); // 192.0.0.1
  write32(arena, at + 16, 0xcb00710a); // 203.0.113.10
  write16(arena, at + 10, finishChecksum(sumWords(arena, at, at + 20)));
  const u = at + 20;
  write16(arena, u, 40000);
  write16(arena, u + 2, 5060);
  write16(arena, u + 4, size - 20);
  for (let i = u + 8; i < at + size; i++) arena[i] = i & 0xff;
  let sum = sumWords(arena, at + 12, at + 20) + 17 + (size - 20);
  sum = sumWords(arena, u, at + size, sum);
  write16(arena, u + 6, finishChecksum(sum));
}

/** The IPv6 reply direction: 2001:db8:64::cb00:710a → the CLAT address, `size` bytes in total. */
function writeUdp6(arena: Uint8Array, at: number, size: number): void {
  arena.fill(0, at, at + size);
  write32(arena, at, 0x60000000);
  write16(arena, at + 4, size - 40);
  arena[at + 6] = 17;
  arena[at + 7] = 64;
  arena.set(parseIpv6('2001:db8:64::cb00:710a')!, at + 8);
  arena.set(parseIpv6(clatIpv6)!, at + 24);
  const u = at + 40;
  write16(arena, u, 5060);
  write16(arena, u + 2, 40000);
  write16(arena, u + 4, size - 40);
  for (let i = u + 8; i < at + size; i++) arena[i] = i & 0xff;
  let sum = sumWords(arena, at + 8, at + 40) + 17 + (size - 40);
  sum = sumWords(arena, u, at + size, sum);
  write16(arena, u + 6, finishChecksum(sum));
}

interface Result {
  direction: '46' | '64';
  packetBytes: number;
  packetsPerSecond: number;
  gbitPerSecond: number;
  nsPerPacket: number;
  heapBytesPerPacket: number;
  gcDuringMeasure: number;
}

/** Warms `run` up so that the measured loop runs optimized code; answers a batch of about 50 ms. */
function warmUp(run: (count: number) => number): number {
  run(200_000);
  let batch = 10_000;
  for (;;) {
    const t0 = performance.now();
    run(batch);
    if (performance.now() - t0 > 50) return batch;
    batch *= 2;
  }
}

function measure(direction: '46' | '64', size: number, seconds: number): Result {
  const run = benchTranslator(thisBuild, direction, size);
  const batch = warmUp(run);
  (globalThis as { gc?: () => void }).gc?.();
  const gcBefore = gcCount();
  const heapBefore = process.memoryUsage().heapUsed;
  let packets = 0;
  let failures = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    failures += run(batch);
    packets += batch;
  }
  const elapsedS = (performance.now() - start) / 1000;
  const heapAfter = process.memoryUsage().heapUsed;
  if (failures !== 0) throw new Error('a benchmark packet was not translated');
  const pps = packets / elapsedS;
  return {
    direction,
    packetBytes: size,
    packetsPerSecond: Math.round(pps),
    gbitPerSecond: Number(((pps * size * 8) / 1e9).toFixed(2)),
    nsPerPacket: Number((1e9 / pps).toFixed(1)),
    heapBytesPerPacket: Number((Math.max(0, heapAfter - heapBefore) / packets).toFixed(4)),
    gcDuringMeasure: gcCount() - gcBefore,
  };
}

interface Comparison {
  direction: '46' | '64';
  packetBytes: number;
  baselineNsPerPacket: number;
  nsPerPacket: number;
  /** Median of the per-turn ratios this / baseline, less one: +0.03 is 3 % slower than the baseline. */
  change: number;
}

const turns = 20;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * CPU nanoseconds per packet of `run` over about `ms` milliseconds, in whole batches. CPU time, not
 * wall time: a turn the scheduler interrupts is not charged for the time another process ran.
 */
function timeTurn(run: (count: number) => number, batch: number, ms: number): number {
  let packets = 0;
  const deadline = performance.now() + ms;
  const cpuBefore = process.cpuUsage();
  do {
    if (run(batch) !== 0) throw new Error('a benchmark packet was not translated');
    packets += batch;
  } while (performance.now() < deadline);
  const cpu = process.cpuUsage(cpuBefore);
  return ((cpu.user + cpu.system) * 1e3) / packets;
}

function compare(baseline: Build, direction: '46' | '64', size: number, seconds: number): Comparison {
  const runBaseline = benchTranslator(baseline, direction, size);
  const runThis = benchTranslator(thisBuild, direction, size);
  const batch = Math.min(warmUp(runBaseline), warmUp(runThis));
  const turnMs = (seconds * 1000) / 10;
  const baselineNs: number[] = [];
  const thisNs: number[] = [];
  const ratios: number[] = [];
  for (let turn = 0; turn < turns; turn++) {
    // Alternate which goes first, so that neither always follows the other's garbage or cache state.
    let a: number;
    let b: number;
    if (turn % 2 === 0) {
      a = timeTurn(runBaseline, batch, turnMs);
      b = timeTurn(runThis, batch, turnMs);
    } else {
      b = timeTurn(runThis, batch, turnMs);
      a = timeTurn(runBaseline, batch, turnMs);
    }
    baselineNs.push(a);
    thisNs.push(b);
    ratios.push(b / a);
  }
  return {
    direction,
    packetBytes: size,
    baselineNsPerPacket: Number(median(baselineNs).toFixed(1)),
    nsPerPacket: Number(median(thisNs).toFixed(1)),
    change: Number((median(ratios) - 1).toFixed(4)),
  };
}

async function compareWith(dir: string, seconds: number, json: boolean): Promise<void> {
  const baseline = await loadBuild(dir);
  const comparisons: Comparison[] = [];
  if (!json) process.stdout.write(`Translator benchmark against ${dir} (node ${process.version}, one core, ${turns} turns of ${seconds / 10} s each per row)\n`);
  if (!json) process.stdout.write('dir  bytes  baseline ns/packet  this ns/packet  change\n');
  for (const direction of ['46', '64'] as const) {
    for (const size of [64, 512, 1500]) {
      const c = compare(baseline, direction, size, seconds);
      comparisons.push(c);
      if (!json) {
        const change = `${c.change >= 0 ? '+' : ''}${(c.change * 100).toFixed(1)} %`;
        process.stdout.write(`${c.direction}   ${String(c.packetBytes).padStart(5)}  ${c.baselineNsPerPacket.toFixed(1).padStart(18)}  ${c.nsPerPacket.toFixed(1).padStart(14)}  ${change.padStart(7)}\n`);
      }
    }
  }
  if (json) process.stdout.write(`${JSON.stringify({ node: process.version, baseline: dir, comparisons }, null, 2)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '2' }, json: { type: 'boolean', default: false }, baseline: { type: 'string' } },
  });
  const seconds = Number(values.seconds);
  if (!(seconds > 0)) throw new Error('--seconds must be a positive number');
  if (values.baseline !== undefined) {
    await compareWith(values.baseline, seconds, values.json);
    return;
  }
  const results: Result[] = [];
  for (const direction of ['46', '64'] as const) {
    for (const size of [64, 512, 1500]) results.push(measure(direction, size, seconds));
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ node: process.version, results }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`Translator benchmark (node ${process.version}, one core, ${seconds} s per row)\n`);
  process.stdout.write('dir  bytes    packets/s    Gbit/s   ns/packet  heap B/packet  GCs\n');
  for (const r of results) {
    process.stdout.write(
      `${r.direction}   ${String(r.packetBytes).padStart(5)}  ${String(r.packetsPerSecond).padStart(11)}  ${r.gbitPerSecond.toFixed(2).padStart(8)}  ${r.nsPerPacket.toFixed(1).padStart(10)}  ${r.heapBytesPerPacket.toFixed(4).padStart(13)}  ${String(r.gcDuringMeasure).padStart(3)}\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:xlat: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});

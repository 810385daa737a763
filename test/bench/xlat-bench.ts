// `npm run bench:xlat`: how fast the translator runs on one core, and what it allocates.
// For 64, 512 and 1500-byte UDP packets in each direction (the CLAT configuration: pool6
// 2001:db8:64::/96, 192.0.0.1 ↔ the CLAT's IPv6 address), it prints packets per second, Gbit/s of
// input, nanoseconds per packet, and heap bytes allocated per packet with the number of garbage
// collections seen while measuring. Input and output share one arena, as in the engine.
//
// Options: --seconds N (per measurement, default 2), --json.

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { finishChecksum, sumWords } from '../../core/wire/checksum.js';
import { write16, write32 } from '../../core/wire/bytes.js';
import { parseIpv6 } from '../../core/wire/address.js';
import { parseSiitConfig } from '../../core/xlat/config.js';
import { outputBufferBytes, XlatOutput } from '../../core/xlat/output.js';
import { Translator } from '../../core/xlat/translator.js';
import { Verdict, verdictNames } from '../../core/xlat/verdict.js';
import { gcCount } from './gc-counter.js';

const clatIpv6 = '2001:db8:1:2::c1a7';
const config = parseSiitConfig({
  pool6: '2001:db8:64::/96',
  eamt: [{ ipv6: `${clatIpv6}/128`, ipv4: '192.0.0.1/32' }],
  selfIpv4: '192.0.0.2',
  selfIpv6: '2001:db8:1:2::1',
  // 1500-byte IPv4 packets become 1520-byte IPv6 packets: give the IPv6 side room for them.
  mtu: { ipv4: 1500, ipv6: 1520 },
});
if (!config.ok) throw new Error(config.error);

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

function measure(direction: '46' | '64', size: number, seconds: number): Result {
  const inputRegion = 4096;
  const arena = new Uint8Array(inputRegion + outputBufferBytes(0));
  const out = new XlatOutput(arena, 0, inputRegion);
  const translator = new Translator(config.ok ? config.config : (undefined as never));
  if (direction === '46') writeUdp4(arena, 0, size);
  else writeUdp6(arena, 0, size);
  const first = translator.translateAt(arena, 0, size, out);
  if (first !== Verdict.translated) throw new Error(`benchmark packet not translated: ${verdictNames[first]}`);

  // Warm up so that the measured loop runs optimized code.
  for (let i = 0; i < 200_000; i++) translator.translateAt(arena, 0, size, out);

  // Calibrate a batch that takes about 50 ms, then run batches for `seconds`.
  let batch = 10_000;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) translator.translateAt(arena, 0, size, out);
    if (performance.now() - t0 > 50) break;
    batch *= 2;
  }
  (globalThis as { gc?: () => void }).gc?.();
  const gcBefore = gcCount();
  const heapBefore = process.memoryUsage().heapUsed;
  let packets = 0;
  let failures = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < batch; i++) failures += translator.translateAt(arena, 0, size, out);
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

function main(): void {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' }, json: { type: 'boolean', default: false } } });
  const seconds = Number(values.seconds);
  if (!(seconds > 0)) throw new Error('--seconds must be a positive number');
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

main();

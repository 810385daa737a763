// `npm run bench:flows`: what the flow table costs the packet loop, on one core. For small UDP
// and TCP packets over many flows it runs the translator alone and the translator followed by
// FlowTable.record (what the engine's FlowObserver does per packet), and prints nanoseconds per
// packet for both, their difference (the flow table's share) and heap bytes allocated per packet
// with the garbage collections seen while measuring. Rows:
//   hit:   `flows` flows that all fit the table, each packet finding its flow;
//   churn: four times more flows than the table holds, so every packet creates a flow and evicts one.
//
// Options: --seconds N (per measurement, default 2), --flows N (default 4096), --only ROW (e.g.
// "46 udp hit"), --json.

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { finishChecksum, sumWords } from '../../core/wire/checksum.js';
import { write16, write32 } from '../../core/wire/bytes.js';
import { parseIpv6 } from '../../core/wire/address.js';
import { FlowTable } from '../../core/observe/flow-table.js';
import { parseSiitConfig } from '../../core/xlat/config.js';
import { XlatOutput } from '../../core/xlat/output.js';
import { Translator } from '../../core/xlat/translator.js';
import { Verdict, verdictNames } from '../../core/xlat/verdict.js';
import { gcCount } from './gc-counter.js';

const clatIpv6 = '2001:db8:1:2::c1a7';
const config = parseSiitConfig({ pool6: '2001:db8:64::/96', eamt: [{ ipv6: `${clatIpv6}/128`, ipv4: '192.0.0.1/32' }], selfIpv4: '192.0.0.2', selfIpv6: '2001:db8:1:2::1' });
if (!config.ok) throw new Error(config.error);

const packetBytes = 64;
const stride = 128;
const udp = 17;
const tcp = 6;

/** An IPv4 packet from the CLAT host (192.0.0.1, `port`) to 203.0.113.10:443, written at `at`. */
function writeIpv4(arena: Uint8Array, at: number, protocol: number, port: number): void {
  arena.fill(0, at, at + packetBytes);
  arena[at] = 0x45;
  write16(arena, at + 2, packetBytes);
  write16(arena, at + 6, 0x4000);
  arena[at + 8] = 64;
  arena[at + 9] = protocol;
  write32(arena, at + 12, 0xc0000001);
  write32(arena, at + 16, 0xcb00710a);
  write16(arena, at + 10, finishChecksum(sumWords(arena, at, at + 20)));
  const l4 = at + 20;
  write16(arena, l4, port);
  write16(arena, l4 + 2, 443);
  if (protocol === udp) write16(arena, l4 + 4, packetBytes - 20);
  else arena[l4 + 12] = 0x50; // data offset 5, flags: none (an ACK-less segment is still a TCP segment)
  const checksumAt = l4 + (protocol === udp ? 6 : 16);
  const sum = sumWords(arena, l4, at + packetBytes, sumWords(arena, at + 12, at + 20) + protocol + (packetBytes - 20));
  write16(arena, checksumAt, finishChecksum(sum));
}

/** The reply direction: 2001:db8:64::cb00:710a:443 → the CLAT address, `port`. */
function writeIpv6(arena: Uint8Array, at: number, protocol: number, port: number): void {
  arena.fill(0, at, at + packetBytes);
  write32(arena, at, 0x60000000);
  write16(arena, at + 4, packetBytes - 40);
  arena[at + 6] = protocol;
  arena[at + 7] = 64;
  arena.set(parseIpv6('2001:db8:64::cb00:710a')!, at + 8);
  arena.set(parseIpv6(clatIpv6)!, at + 24);
  const l4 = at + 40;
  write16(arena, l4, 443);
  write16(arena, l4 + 2, port);
  if (protocol === udp) write16(arena, l4 + 4, packetBytes - 40);
  else arena[l4 + 12] = 0x50;
  const checksumAt = l4 + (protocol === udp ? 6 : 16);
  const sum = sumWords(arena, l4, at + packetBytes, sumWords(arena, at + 8, at + 40) + protocol + (packetBytes - 40));
  write16(arena, checksumAt, finishChecksum(sum));
}

interface Result {
  row: string;
  translateNs: number;
  withFlowsNs: number;
  flowTableNs: number;
  heapBytesPerPacket: number;
  /** The translator alone: what the flow table adds is the difference. */
  translateHeapBytesPerPacket: number;
  gcDuringMeasure: number;
}

/** ns per packet of `step(i)` over `seconds`, with heap bytes per packet and GCs. */
function timed(step: (i: number) => number, seconds: number): { ns: number; heap: number; gcs: number } {
  for (let i = 0; i < 300_000; i++) step(i);
  let batch = 10_000;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) step(i);
    if (performance.now() - t0 > 50) break;
    batch *= 2;
  }
  (globalThis as { gc?: () => void }).gc?.();
  const gcBefore = gcCount();
  const heapBefore = process.memoryUsage().heapUsed;
  let packets = 0;
  let sink = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < batch; i++) sink += step(packets + i);
    packets += batch;
  }
  const elapsedMs = performance.now() - start;
  const heapAfter = process.memoryUsage().heapUsed;
  if (sink === 0.5) process.stdout.write(''); // keeps `sink` alive
  return { ns: (elapsedMs * 1e6) / packets, heap: Math.max(0, heapAfter - heapBefore) / packets, gcs: gcCount() - gcBefore };
}

function measure(direction: '46' | '64', protocol: number, flows: number, capacity: number, seconds: number): Result {
  const arena = new Uint8Array(flows * stride);
  for (let i = 0; i < flows; i++) {
    const port = 20_000 + i;
    if (direction === '46') writeIpv4(arena, i * stride, protocol, port);
    else writeIpv6(arena, i * stride, protocol, port);
  }
  const out = new XlatOutput();
  const translator = new Translator(config.ok ? config.config : (undefined as never));
  for (let i = 0; i < flows; i++) {
    const verdict = translator.translateAt(arena, i * stride, packetBytes, out);
    if (verdict !== Verdict.translated) throw new Error(`benchmark packet not translated: ${verdictNames[verdict]}`);
  }
  const mask = flows - 1;
  const translateOnly = timed((i) => translator.translateAt(arena, (i & mask) * stride, packetBytes, out), seconds);
  const table = new FlowTable({ capacity });
  // The packet loop's clock, kept in a typed array: a double in a closure would be boxed per write.
  const clock = new Float64Array(1);
  const withFlows = timed((i) => {
    const at = (i & mask) * stride;
    const verdict = translator.translateAt(arena, at, packetBytes, out);
    return table.record(arena, at, packetBytes, verdict, out, (clock[0] += 0.001)) + 1;
  }, seconds);
  if (table.size === 0) throw new Error('the flow table recorded nothing');
  const name = protocol === udp ? 'udp' : 'tcp';
  return {
    row: `${direction} ${name} ${capacity >= flows ? 'hit' : 'churn'}`,
    translateNs: Number(translateOnly.ns.toFixed(1)),
    withFlowsNs: Number(withFlows.ns.toFixed(1)),
    flowTableNs: Number((withFlows.ns - translateOnly.ns).toFixed(1)),
    heapBytesPerPacket: Number(withFlows.heap.toFixed(4)),
    translateHeapBytesPerPacket: Number(translateOnly.heap.toFixed(4)),
    gcDuringMeasure: withFlows.gcs,
  };
}

function main(): void {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' }, flows: { type: 'string', default: '4096' }, json: { type: 'boolean', default: false }, only: { type: 'string' } } });
  const seconds = Number(values.seconds);
  const flows = Number(values.flows);
  if (!(seconds > 0)) throw new Error('--seconds must be a positive number');
  if (!Number.isInteger(flows) || flows < 2 || (flows & (flows - 1)) !== 0) throw new Error('--flows must be a power of two');
  const rows: { direction: '46' | '64'; protocol: number; capacity: number; name: string }[] = [];
  for (const direction of ['46', '64'] as const) {
    for (const protocol of [udp, tcp]) rows.push({ direction, protocol, capacity: flows, name: `${direction} ${protocol === udp ? 'udp' : 'tcp'} hit` });
    rows.push({ direction, protocol: udp, capacity: flows / 4, name: `${direction} udp churn` });
  }
  const chosen = rows.filter((row) => values.only === undefined || row.name === values.only);
  if (chosen.length === 0) throw new Error(`--only: no row ${JSON.stringify(values.only)} (rows: ${rows.map((row) => row.name).join(', ')})`);
  const results = chosen.map((row) => measure(row.direction, row.protocol, flows, row.capacity, seconds));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ node: process.version, flows, results }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`Flow table benchmark (node ${process.version}, one core, ${flows} flows, ${packetBytes}-byte packets, ${seconds} s per measurement)\n`);
  process.stdout.write('row              translate ns  +record ns  flow table ns  heap B/packet (translate alone)  GCs\n');
  for (const r of results) {
    process.stdout.write(
      `${r.row.padEnd(15)}  ${r.translateNs.toFixed(1).padStart(12)}  ${r.withFlowsNs.toFixed(1).padStart(10)}  ${r.flowTableNs.toFixed(1).padStart(13)}  ${r.heapBytesPerPacket.toFixed(4).padStart(13)} ${`(${r.translateHeapBytesPerPacket.toFixed(4)})`.padStart(18)}  ${String(r.gcDuringMeasure).padStart(3)}\n`,
    );
  }
}

main();

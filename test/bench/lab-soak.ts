// `npm run soak:lab`: the engine under a long iperf3 load in the lab, watched from outside.
// Prints, every 10 s, the engine's resident memory and heap, and at the end:
// - memory: first sample after the first minute, minimum, maximum and last (flat means no growth);
// - the trace stream: a live subscriber with a rate bound gets at most that many pairs in any
//   second, and the skipped count says how many it did not get;
// - counters: for each fixed-count UDP run, the datagrams iperf3 sent, what the engine counted on
//   each side, and what the server received. iperf3 opens a UDP test with one datagram of its own
//   that its statistics leave out, so the engine must count exactly sent + 1 on both sides.
// Options: --minutes N (default 3), --rate N (the subscriber's bound, default 200), --json.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CounterSnapshot } from '../../core/api/counters.js';
import { EngineClient } from '../../core/client/engine-client.js';
import { createLab } from '../../core/lab/lab.js';
import { BenchEngine } from './lab-engine.js';

const server = '203.0.113.10';

interface MemorySample {
  atS: number;
  rssMiB: number;
}

interface UdpRun {
  sent: number;
  received: number;
  engineV4: number;
  engineV6: number;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? NaN);
  return kib / 1024;
}

async function counters(client: EngineClient): Promise<CounterSnapshot> {
  const answer = await client.call('snapshot', { rateSeconds: 0 });
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.result.counters;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '3' }, rate: { type: 'string', default: '200' }, json: { type: 'boolean', default: false } } });
  const minutes = Number(values.minutes);
  const rate = Number(values.rate);
  if (!(minutes > 0) || !(rate > 0)) throw new Error('--minutes and --rate must be positive');
  const log = (line: string) => process.stderr.write(`soak:lab: ${line}\n`);
  const lab = await createLab();
  try {
    const engine = await BenchEngine.start(lab);
    await engine.up();
    const socket = join(lab.tempDir, 'engine.sock');
    const perSecond = new Map<number, number>();
    let skipped = 0;
    const connected = await EngineClient.connect(socket, (event) => {
      if (event.event !== 'trace') return;
      const second = Math.floor(Date.now() / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + event.pairs.length);
      skipped += event.skipped;
    });
    if (!connected.ok) throw new Error(connected.error);
    const traceClient = connected.client;
    await traceClient.call('trace', { perSecond: rate });
    const control = await EngineClient.connect(socket);
    if (!control.ok) throw new Error(control.error);

    const start = Date.now();
    const end = start + minutes * 60_000;
    const memory: MemorySample[] = [];
    const sampler = setInterval(() => {
      const sample = { atS: Math.round((Date.now() - start) / 1000), rssMiB: rssMiB(engine.pid) };
      memory.push(sample);
      log(`${sample.atS} s: engine RSS ${sample.rssMiB.toFixed(1)} MiB`);
    }, 10_000);
    const udpRuns: UdpRun[] = [];
    let round = 0;
    while (Date.now() < end) {
      round++;
      const seconds = Math.max(1, Math.min(20, Math.round((end - Date.now()) / 1000)));
      log(`round ${round}: iperf3 TCP ${seconds} s`);
      await lab.exec('host', ['iperf3', '-c', server, '-t', String(seconds), '-J'], { check: false, timeoutMs: (seconds + 30) * 1000 });
      if (Date.now() >= end) break;
      const before = await counters(control.client);
      const udp = await lab.exec('host', ['iperf3', '-c', server, '-u', '-b', '20M', '-l', '1000', '-t', '5', '-J'], { check: false, timeoutMs: 40_000 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const after = await counters(control.client);
      const report = JSON.parse(udp.stdout) as { end?: { sum?: { packets?: number; lost_packets?: number } } };
      const sentPackets = report.end?.sum?.packets ?? NaN;
      const lost = report.end?.sum?.lost_packets ?? NaN;
      const run: UdpRun = {
        sent: sentPackets,
        received: sentPackets - lost,
        engineV4: after.out46.byProtocol.udp.ipv4.packets - before.out46.byProtocol.udp.ipv4.packets,
        engineV6: after.out46.byProtocol.udp.ipv6.packets - before.out46.byProtocol.udp.ipv6.packets,
      };
      udpRuns.push(run);
      log(`round ${round}: UDP sent ${run.sent}, engine counted ${run.engineV4} (v4) / ${run.engineV6} (v6), server received ${run.received}`);
    }
    clearInterval(sampler);
    traceClient.close();
    control.client.close();
    await engine.stop();

    const settled = memory.filter((s) => s.atS >= 60);
    const window = settled.length > 0 ? settled : memory;
    const rss = window.map((s) => s.rssMiB);
    const busiestSecond = Math.max(0, ...[...perSecond.values()].slice(1, -1));
    const result = {
      minutes,
      memoryMiB: { firstAfterWarmup: rss[0], min: Math.min(...rss), max: Math.max(...rss), last: rss[rss.length - 1], samples: memory },
      trace: { boundPerSecond: rate, busiestSecond, skipped },
      udpRuns,
      countersAddUp: udpRuns.every((r) => r.engineV4 === r.engineV6 && r.engineV4 === r.sent + 1 && r.received <= r.sent),
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    const m = result.memoryMiB;
    process.stdout.write(
      `Soak: ${minutes} min of iperf3 (TCP, then 5 s of UDP at 20 Mbit/s, repeated) through Clatter\n` +
        `engine RSS (MiB) after the first minute: first ${m.firstAfterWarmup.toFixed(1)}, min ${m.min.toFixed(1)}, max ${m.max.toFixed(1)}, last ${m.last.toFixed(1)}\n` +
        `trace stream bound ${rate}/s: busiest full second delivered ${busiestSecond} pairs; ${skipped} pairs skipped and said so\n` +
        `UDP runs (iperf3 sent + its opening datagram = engine v4 = engine v6; server received): ${udpRuns.map((r) => `${r.sent} + 1 = ${r.engineV4} = ${r.engineV6}; ${r.received}`).join(' | ')}\n` +
        `counters add up: ${result.countersAddUp ? 'yes' : 'NO'}\n`,
    );
    if (!result.countersAddUp || busiestSecond > rate) process.exitCode = 1;
  } finally {
    await lab.destroy();
  }
}

await main();

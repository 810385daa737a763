// Seeing the translation, in the lab: a curl and a ping from the host to the IPv4-only server show
// up in `clatter flows` under their program names with both 5-tuples, their packets come through
// the trace stream as pairs, `clatter export` writes a pcapng that tshark reads with both
// interfaces, the right packet counts and valid checksums, and the report names curl and ping.
// The same with worker threads translating (`--workers 2`), whose packets reach the flows and
// traces through the observation rings (core/observe/observation-ring.ts).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, TraceBatchJson } from '../../core/api/messages.js';
import { EngineClient } from '../../core/client/engine-client.js';
import { createLab, type Lab } from '../../core/lab/lab.js';
import type { DependencyEntry } from '../../core/observe/dependency-ledger.js';
import type { FlowInfo } from '../../core/observe/flow-info.js';
import { tshark } from '../unit/tshark.js';
import { asRunning, clatterBin, EngineProcess, engineDir, runningWith, tearDown } from './engine-process.js';

const isRoot = process.getuid?.() === 0;
const server = '203.0.113.10';
const serverAsIpv6 = '2001:db8:64::cb00:710a';

describe.skipIf(!isRoot).each([0, 2])('flows, traces, export and report of real traffic with --workers %i', (workers) => {
  let lab: Lab;
  let dir: string | undefined;
  let engine: EngineProcess | undefined;
  let clatIpv6 = '';
  const exportDir = mkdtempSync(join(tmpdir(), 'clatter-export-'));
  let client: EngineClient | undefined;
  const batches: TraceBatchJson[] = [];

  beforeAll(async () => {
    lab = await createLab();
    dir = engineDir();
    engine = await EngineProcess.start(lab, { dir, workers });
    await engine.up();
    clatIpv6 = asRunning(await engine.waitForStatus(runningWith('2001:db8:64::/96', 'ra'), 'running with the PREF64 prefix', 15_000)).clatIpv6;
    const connected = await EngineClient.connect(engine.socket, (event) => {
      if (event.event === 'trace') batches.push(event);
    });
    if (!connected.ok) throw new Error(connected.error);
    client = connected.client;
    const subscribed = await client.call('trace', { perSecond: 100_000 });
    expect(subscribed.ok).toBe(true);
    // The traffic of the tests below: one download, three pings.
    await lab.exec('host', ['curl', '--silent', '--output', '/dev/null', '--max-time', '20', `http://${server}/file`], { timeoutMs: 30_000 });
    await lab.exec('host', ['ping', '-n', '-c', '3', '-i', '0.2', '-w', '15', server], { timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // attribution and the trace stream catch up
  }, 120_000);

  afterAll(async () => {
    client?.close();
    rmSync(exportDir, { recursive: true, force: true });
    await tearDown(engine, lab, dir);
  }, 60_000);

  async function flows(): Promise<FlowInfo[]> {
    const result = await engine!.cli(['flows', '--json']);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as FlowInfo[];
  }

  it('`clatter flows` names curl and ping, with both 5-tuples', async () => {
    const list = await flows();
    const curl = list.find((flow) => flow.protocol === 6 && flow.v4.remotePort === 80);
    expect(curl?.program?.executable).toMatch(/\/curl$/);
    expect(curl?.program?.user).toBe('root');
    expect(curl?.v4).toMatchObject({ local: '192.0.0.1', remote: server, remotePort: 80 });
    expect(curl?.v6).toMatchObject({ local: clatIpv6, localPort: curl?.v4.localPort, remote: serverAsIpv6, remotePort: 80 });
    expect(curl!.bytes64).toBeGreaterThan(lab.server.http.sizeBytes);
    const ping = list.find((flow) => flow.protocol === 1);
    expect(ping?.program?.executable).toMatch(/\/ping$/);
    expect(ping?.v4).toMatchObject({ local: '192.0.0.1', remote: server });
    expect(ping?.v6).toMatchObject({ local: clatIpv6, remote: serverAsIpv6 });
    expect([ping?.packets46, ping?.packets64]).toEqual([3, 3]);
    const text = await engine!.cli(['flows']);
    expect(text.stdout).toMatch(/^curl \(pid \d+, root\)$/m);
    expect(text.stdout).toMatch(/^ping \(pid \d+, root\)$/m);
  });

  it('the trace stream carries their packets as pairs, each with its twin', async () => {
    const pairs = batches.flatMap((batch) => batch.pairs);
    expect(batches.reduce((sum, batch) => sum + batch.skipped, 0)).toBe(0);
    const echo = pairs.filter((pair) => pair.program?.name === 'ping');
    // Three requests out (v4 in, v6 out) and three replies in (v6 in, v4 out).
    expect(echo.map((pair) => [pair.direction, pair.input.family, pair.output?.family])).toEqual([
      [46, 4, 6], [64, 6, 4], [46, 4, 6], [64, 6, 4], [46, 4, 6], [64, 6, 4],
    ]);
    const curl = pairs.filter((pair) => pair.program?.name === 'curl');
    expect(curl.length).toBeGreaterThan(700);
    expect(curl.every((pair) => pair.verdict === 'translated' && pair.output !== null)).toBe(true);
  });

  it('`clatter trace` prints each ping as a pair of linked lines, filtered by program', async () => {
    const trace = lab.spawn('host', [process.execPath, clatterBin, 'trace', '--socket', engine!.socket, '--filter', 'program=ping,proto=icmp', '--count', '2'], { name: 'clatter trace' });
    // Subscribed once the engine has answered; a short wait, then two pings (four pairs: the count stops at two).
    await new Promise((resolve) => setTimeout(resolve, 500));
    await lab.exec('host', ['ping', '-n', '-c', '2', '-i', '0.2', '-w', '15', server], { timeoutMs: 20_000 });
    const exit = await trace.exited;
    expect(exit.code).toBe(0);
    const lines = trace.output.trim().split('\n');
    expect(lines).toHaveLength(4);
    // The first request is there although its flow was new: the stream waits for the flow's program.
    expect(lines[0]).toMatch(/^#\d+ v4 192\.0\.0\.1 > 203\.0\.113\.10: ICMP echo request/);
    const request = /^#(\d+) /.exec(lines[0]);
    expect(lines[0]).toMatch(/\[ping \d+\]$/);
    expect(lines[1]).toMatch(new RegExp(`^#${request![1]} v6 ${clatIpv6.replaceAll(':', '\\:')} > 2001:db8:64::cb00:710a: ICMP6, echo request`));
    const reply = /^#(\d+) v6 2001:db8:64::cb00:710a > /.exec(lines[2]);
    expect(Number(reply?.[1])).toBeGreaterThan(Number(request![1]));
    expect(lines[3]).toMatch(new RegExp(`^#${reply![1]} v4 203\.0\.113\.10 > 192\.0\.0\.1: ICMP echo reply`));
  });

  it('`clatter export` writes a pcapng tshark reads: both interfaces, every pair, valid checksums', async () => {
    const file = join(exportDir, 'trace.pcapng');
    const result = await engine!.cli(['export', '--out', file]);
    expect(result.code).toBe(0);
    const pairsWritten = Number(/(\d+) pairs written/.exec(result.stderr)?.[1]);
    const held = batches.flatMap((batch) => batch.pairs).length;
    expect(pairsWritten).toBe(held);
    const interfaces = tshark(['-r', file, '-T', 'fields', '-e', 'frame.interface_name']).trim().split('\n');
    expect(interfaces.filter((name) => name === 'clat')).toHaveLength(held);
    expect(interfaces.filter((name) => name === 'uplink')).toHaveLength(held);
    const checks = tshark(['-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=|',
      '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status', '-e', 'icmp.checksum.status', '-e', 'icmpv6.checksum.status']);
    const statuses = checks.split('\n').flatMap((line) => line.split(/[|,]/)).filter((s) => s !== '');
    expect(statuses).not.toContain('0'); // 0: bad; 2: not verifiable (a packet cut to the snap length)
    // The pings are short enough to be whole: their ICMP and ICMPv6 checksums were checked and good.
    // Five echo requests so far (3 in beforeAll, 2 in the trace test), each on both sides.
    const icmp = tshark(['-r', file, '-Y', 'icmp.type == 8 || icmpv6.type == 128', '-T', 'fields', '-e', 'icmp.checksum.status', '-e', 'icmpv6.checksum.status']);
    expect(icmp.trim().split('\n').map((line) => line.trim())).toEqual(new Array(10).fill('1'));
  });

  it('the UI\'s watch stream: at most 30 updates a second, with counters, flow changes and traces', async () => {
    const updates: Extract<EngineEvent, { event: 'update' }>[] = [];
    const connected = await EngineClient.connect(engine!.socket, (event) => {
      if (event.event === 'update') updates.push(event);
    });
    if (!connected.ok) throw new Error(connected.error);
    try {
      const first = await connected.client.call('watch', { traces: true, perSecond: 50 });
      expect(first.ok && first.result.status.state).toBe('running'); // the full snapshot to start from
      const startedMs = Date.now();
      await lab.exec('host', ['ping', '-n', '-c', '20', '-i', '0.05', '-w', '15', server], { timeoutMs: 20_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const seconds = (Date.now() - startedMs) / 1000;
      expect(updates.length).toBeGreaterThan(0);
      expect(updates.length).toBeLessThanOrEqual(Math.ceil(seconds * 30) + 1);
      const pairs = updates.flatMap((update) => update.trace?.pairs ?? []);
      expect(pairs.length).toBe(40); // 20 requests and 20 replies, under the bound of 50 a second
      expect(updates.flatMap((update) => update.flows.changed).some((flow) => flow.protocol === 1 && flow.v4.remote === server)).toBe(true);
      const last = updates[updates.length - 1].counters;
      expect(last.out46.byProtocol.icmp.ipv4.packets).toBeGreaterThanOrEqual(23); // 3 earlier pings and these 20
    } finally {
      connected.client.close();
    }
  });

  it('`clatter report` lists curl and ping with the server', async () => {
    const result = await engine!.cli(['report', '--json']);
    expect(result.code).toBe(0);
    const entries = (JSON.parse(result.stdout) as { entries: DependencyEntry[] }).entries;
    expect(entries.find((e) => e.program === 'curl')).toMatchObject({ remote: server, protocols: [6], flows: 1 });
    const ping = entries.find((e) => e.program === 'ping');
    expect(ping).toMatchObject({ remote: server, protocols: [1] });
    expect(ping!.packets46).toBe(ping!.packets64);
    expect(ping!.packets46).toBeGreaterThanOrEqual(23);
    const csv = await engine!.cli(['report', '--csv']);
    expect(csv.stdout.split('\r\n')[0]).toBe('program,executable,user,remote,name,protocols,flows,bytes_out,bytes_in,first_use,last_use');
    expect(csv.stdout).toMatch(/^curl,\/usr\/bin\/curl,root,203\.0\.113\.10,,tcp,1,/m);
  });
});

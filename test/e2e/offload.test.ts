// The CLAT with TUN offloads on and off (`clatter engine --offload on|off`), end to end in the
// namespace lab: the same traffic must arrive intact either way. With offloads on, the host's TCP
// hands the CLAT super-packets (seen on the TUN by tcpdump as TCP segments longer than the MSS),
// whose translated headers carry partial checksums the kernel finishes, and the CLAT hands the
// host a download's segments coalesced into super-packets: transfers that run at full speed prove
// those checksums right (a receiver drops segments with wrong ones). With offloads off, nothing on
// the TUN is longer than the MSS. With worker threads (`--workers 2`) the TUN has two queues, each
// translated by its own thread, and the same traffic arrives intact. Each mode has its own lab
// and engine.

import { describe, expect, it } from 'vitest';
import { pollUntil } from '../../core/lab/poll.js';
import { httpGet, udpExchange } from '../../core/lab/probes.js';
import { asRunning } from './engine-process.js';
import { labWithEngine } from './lab-engine.js';

const isRoot = process.getuid?.() === 0;
const serverIpv4 = '203.0.113.10';
/** The CLAT's IPv4 route MTU (uplink 1500 less 28) less IPv4 and TCP headers. */
const mssBytes = 1500 - 28 - 40;
/** Far less than the path carries in the test's 2 s (about 1 Gbit/s), far more than a path whose
 * checksums were wrong would: the receiver's TCP drops such segments, and the transfer stalls. */
const minimumTransferBytes = 16 * 1024 * 1024;

/** TCP payload lengths tcpdump printed ("…, length N"), for the data packets only. */
function tcpLengths(tcpdumpOutput: string): number[] {
  return [...tcpdumpOutput.matchAll(/Flags \[[^\]]*\], seq [\d:]+, .*length (\d+)/g)].map((match) => Number(match[1])).filter((n) => n > 0);
}

const modes = [
  { offload: 'on', workers: 0 },
  { offload: 'off', workers: 0 },
  { offload: 'on', workers: 2 },
] as const;

describe.skipIf(!isRoot).each(modes)('CLAT in the lab with --offload $offload --workers $workers', ({ offload, workers }) => {
  const setup = labWithEngine({
    engine: { offload, workers },
    afterStart: async ({ engine }) => {
      expect((await engine.up()).state).toBe('running');
    },
  });

  it('reports the offloads the kernel granted', async () => {
    const status = asRunning(await setup.engine.status());
    if (offload === 'on') expect(status.offloads).toEqual(expect.arrayContaining(['csum', 'tso4', 'tso6']));
    else expect(status.offloads ?? []).toEqual([]);
    const text = await setup.engine.cli(['status']);
    expect(text.stdout).toMatch(offload === 'on' ? /offloads\s+csum tso4 tso6/ : /offloads\s+off/);
  });

  it('translates on the main thread, or on one worker thread per TUN queue', async () => {
    const status = asRunning(await setup.engine.status());
    expect(status.workers ?? 0).toBe(workers);
    const link = await setup.lab.exec('host', ['ip', '-details', 'link', 'show', 'dev', status.tun]);
    if (workers > 0) expect(link.stdout).toMatch(new RegExp(`multi_queue numqueues ${workers}\\b`));
    else expect(link.stdout).not.toMatch(/multi_queue/);
    const text = await setup.engine.cli(['status']);
    expect(text.stdout).toMatch(workers > 0 ? new RegExp(`translating\\s+${workers} worker threads`) : /translating\s+main thread/);
  });

  /**
   * iperf3 TCP for 2 s (`download`: from the server, --reverse) while tcpdump watches that direction
   * on the TUN; returns the bytes iperf3's receiver counted and the longest TCP payload seen.
   */
  async function tcpThroughTun(download: boolean): Promise<{ received: number; longest: number }> {
    const filter = download ? `ip and tcp and src host ${serverIpv4}` : `ip and tcp and dst host ${serverIpv4}`;
    const capture = setup.lab.spawn('host', ['tcpdump', '-l', '-n', '-i', 'clat', '-c', '400', filter], { name: 'tcpdump' });
    try {
      await capture.waitForOutput(/listening on/, 10_000);
      const argv = ['iperf3', '--client', serverIpv4, '--port', String(setup.lab.server.iperf3Port), '--time', '2', '--json', '--connect-timeout', '3000', ...(download ? ['--reverse'] : [])];
      const run = await setup.lab.exec('host', argv, { check: false, timeoutMs: 60_000 });
      const report = JSON.parse(run.stdout) as { error?: string; end?: { sum_received?: { bytes?: number } } };
      expect(report.error).toBeUndefined();
      await pollUntil(async () => tcpLengths(capture.output).length >= 50 || null, { timeoutMs: 5_000, what: 'tcpdump to print the transfer' });
      return { received: report.end?.sum_received?.bytes ?? -1, longest: Math.max(...tcpLengths(capture.output)) };
    } finally {
      await capture.stop();
    }
  }

  it('carries a TCP upload intact, as super-packets (TSO from the host) only with offloads on', async () => {
    const { received, longest } = await tcpThroughTun(false);
    expect(received).toBeGreaterThan(minimumTransferBytes);
    if (offload === 'on') expect(longest).toBeGreaterThan(mssBytes);
    else expect(longest).toBeLessThanOrEqual(mssBytes);
    expect(asRunning(await setup.engine.status()).counters.dropped).toEqual({});
  }, 90_000);

  it('carries a TCP download intact, coalesced into super-packets for the host only with offloads on', async () => {
    const { received, longest } = await tcpThroughTun(true);
    expect(received).toBeGreaterThan(minimumTransferBytes);
    if (offload === 'on') expect(longest).toBeGreaterThan(mssBytes);
    else expect(longest).toBeLessThanOrEqual(mssBytes);
    expect(asRunning(await setup.engine.status()).counters.dropped).toEqual({});
  }, 90_000);

  it('carries a download, UDP of every size up to the MTU and ping', async () => {
    const response = await httpGet(setup.lab, 'host', `http://${serverIpv4}${setup.lab.server.http.path}`, 20_000);
    expect(response.status).toBe(200);
    expect(response.sha256).toBe(setup.lab.server.http.sha256);
    for (const size of [1, 64, 1000, 1444]) {
      const payload = Uint8Array.from({ length: size }, (_, i) => (i * 7 + size) & 0xff);
      expect(new Uint8Array(await udpExchange(setup.lab, 'host', serverIpv4, setup.lab.server.udpEchoPort, payload))).toEqual(payload);
    }
    const ping = await setup.lab.exec('host', ['ping', '-n', '-c', '3', '-i', '0.2', '-w', '10', serverIpv4], { timeoutMs: 15_000 });
    expect(ping.stdout).toMatch(/3 packets transmitted, 3 received/);
  }, 60_000);
});

// The measurements of `npm run bench:lab`, each run from the lab's host namespace towards one
// address: iperf3 TCP and UDP (its JSON report), ping round trips, and the CPU time a process has
// used (/proc/<pid>/stat), so that a test can be charged to the CLAT that carried it.

import { readFileSync } from 'node:fs';
import type { Lab } from '../../core/lab/lab.js';

export interface TcpResult {
  readonly gbitPerSecond: number;
  /** Payload bytes the server received. */
  readonly bytes: number;
}

export interface UdpResult {
  /** Datagrams the server received per second of the test. */
  readonly receivedPerSecond: number;
  readonly lossPercent: number;
}

/** iperf3's own error ("unable to connect to server"), or a report without the expected fields. */
function iperf3Report(stdout: string, stderr: string): Record<string, unknown> {
  let report: { error?: string; end?: unknown };
  try {
    report = JSON.parse(stdout) as typeof report;
  } catch {
    throw new Error(`iperf3 printed no JSON report: ${(stderr || stdout).trim().slice(0, 500)}`);
  }
  if (typeof report.error === 'string') throw new Error(`iperf3: ${report.error}`);
  if (typeof report.end !== 'object' || report.end === null) throw new Error('iperf3: the report has no "end" section');
  return report.end as Record<string, unknown>;
}

function iperf3Argv(lab: Lab, target: string, seconds: number, extra: readonly string[]): string[] {
  return ['iperf3', '--client', target, '--port', String(lab.server.iperf3Port), '--time', String(seconds), '--json', '--connect-timeout', '3000', ...extra];
}

/**
 * iperf3 TCP from the host to `target` with `streams` parallel streams, as the server counted it;
 * with `download`, from `target` to the host (--reverse), as the host counted it.
 */
export async function iperf3Tcp(lab: Lab, target: string, streams: number, seconds: number, download = false): Promise<TcpResult> {
  const extra = ['--parallel', String(streams), ...(download ? ['--reverse'] : [])];
  const run = await lab.exec('host', iperf3Argv(lab, target, seconds, extra), { check: false, timeoutMs: (seconds + 30) * 1000 });
  const end = iperf3Report(run.stdout, run.stderr);
  const received = end.sum_received as { bits_per_second?: number; bytes?: number } | undefined;
  if (typeof received?.bits_per_second !== 'number' || typeof received.bytes !== 'number') throw new Error('iperf3: no sum_received in the TCP report');
  return { gbitPerSecond: received.bits_per_second / 1e9, bytes: received.bytes };
}

/**
 * iperf3 UDP with `payloadBytes` per datagram, sent as fast as the client can (-b 0): the packet
 * rate the path sustains shows as the rate the server received, the rest as loss.
 */
export async function iperf3Udp(lab: Lab, target: string, payloadBytes: number, seconds: number): Promise<UdpResult> {
  const argv = iperf3Argv(lab, target, seconds, ['--udp', '--length', String(payloadBytes), '--bitrate', '0']);
  const run = await lab.exec('host', argv, { check: false, timeoutMs: (seconds + 30) * 1000 });
  const end = iperf3Report(run.stdout, run.stderr);
  // iperf3 3.12 puts the server's count of received and lost datagrams in `sum`.
  const sum = end.sum as { packets?: number; lost_packets?: number; seconds?: number } | undefined;
  if (typeof sum?.packets !== 'number' || typeof sum.lost_packets !== 'number' || typeof sum.seconds !== 'number' || sum.seconds <= 0) {
    throw new Error('iperf3: no packet counts in the UDP report');
  }
  const received = sum.packets - sum.lost_packets;
  return {
    receivedPerSecond: received / sum.seconds,
    lossPercent: sum.packets > 0 ? (100 * sum.lost_packets) / sum.packets : 0,
  };
}

/** Round-trip times in ms of `count` pings `intervalS` apart; lost ones are missing. */
export async function pingRtts(lab: Lab, target: string, count: number, intervalS: number, deadlineS?: number): Promise<number[]> {
  const argv = ['ping', '-n', '-c', String(count), '-i', String(intervalS), '-W', '1', ...(deadlineS === undefined ? [] : ['-w', String(deadlineS)]), target];
  const run = await lab.exec('host', argv, { check: false, timeoutMs: (count * intervalS + 10) * 1000 });
  return [...run.stdout.matchAll(/time=([\d.]+) ms/g)].map((match) => Number(match[1]));
}

/** Throws unless `target` answers ping from the host: the path works before anything is measured. */
export async function assertReachable(lab: Lab, target: string, via: string): Promise<void> {
  const rtts = await pingRtts(lab, target, 3, 0.2, 5);
  if (rtts.length === 0) throw new Error(`${via}: ${target} does not answer ping from the host namespace`);
}

/** clock ticks per second of /proc/<pid>/stat (sysconf(_SC_CLK_TCK)). */
export async function clockTicksPerSecond(lab: Lab): Promise<number> {
  const run = await lab.exec('host', ['getconf', 'CLK_TCK'], { check: false });
  const ticks = Number(run.stdout.trim());
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
}

/** User plus system CPU seconds used so far by process `pid`, all its threads included (proc(5)). */
export function cpuSeconds(pid: number, ticksPerSecond: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // "pid (comm) state ppid …": comm may hold spaces; fields 14 and 15 (utime, stime) count from 1.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  return (utime + stime) / ticksPerSecond;
}

/** Runs `work` and returns its result with the CPU seconds each of `pids` used meanwhile. */
export async function withCpu<T>(pids: readonly number[], ticksPerSecond: number, work: () => Promise<T>): Promise<{ result: T; cpu: number[]; elapsedS: number }> {
  const before = pids.map((pid) => cpuSeconds(pid, ticksPerSecond));
  const startMs = performance.now();
  const result = await work();
  const elapsedS = (performance.now() - startMs) / 1000;
  const cpu = pids.map((pid, i) => cpuSeconds(pid, ticksPerSecond) - before[i]);
  return { result, cpu, elapsedS };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

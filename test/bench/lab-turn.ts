// One configuration's turn in one round of `npm run bench:lab`: set it up, check the path works,
// measure (idle CPU, ping 20 ms and 1 ms apart, TCP ×1, TCP ×4, TCP download, UDP; TCP ×1, ×4 and
// UDP again without the NAT64), take it down. The CLAT process's CPU time and the
// PLAT tayga's are read around each test, so that CPU can be charged per GB carried.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Lab } from '../../core/lab/lab.js';
import type { BenchConfig } from './lab-configs.js';
import { assertReachable, iperf3Tcp, iperf3Udp, median, pingRtts, withCpu } from './lab-measure.js';
import type { Sample } from './lab-report.js';

export interface TurnOptions {
  /** Length of each iperf3 run. */
  readonly seconds: number;
  readonly ticksPerSecond: number;
  /** The lab's NAT64 (tayga in the isp namespace), in every configuration's path. */
  readonly platPid: number;
  readonly progress: (line: string) => void;
}

export const idleSeconds = 5;
export const pingCount = 50;
export const pingIntervalS = 0.02;
export const fastPingCount = 1000;
export const fastPingIntervalS = 0.001;
export const udpPayloadBytes = 64;

export async function measureTurn(lab: Lab, config: BenchConfig, options: TurnOptions): Promise<Sample> {
  let sample: Sample;
  try {
    const clatPid = await config.start();
    sample = await measure(lab, config, clatPid, options);
  } catch (error) {
    // Also after a failed start, which may have got half-way. The first error is the one to
    // report; the cleanup's, if any, follows it.
    try {
      await config.stop();
    } catch (cleanupError) {
      if (error instanceof Error) error.message += ` (and stopping ${config.name}: ${(cleanupError as Error).message})`;
    }
    throw error;
  }
  await config.stop();
  return sample;
}

async function measure(lab: Lab, config: BenchConfig, clatPid: number | null, options: TurnOptions): Promise<Sample> {
  const { seconds, ticksPerSecond, platPid, progress } = options;
  const target = config.target;
  const sample: Sample = {};
  await assertReachable(lab, target, config.name);

  if (config.measuresIdle && clatPid !== null) {
    const idle = await withCpu([clatPid], ticksPerSecond, () => sleep(idleSeconds * 1000));
    sample.engineIdleCpuS = idle.cpu[0];
    progress(`idle CPU ${idle.cpu[0].toFixed(3)} s over ${idleSeconds} s`);
  }

  const rtts = await pingRtts(lab, target, pingCount, pingIntervalS);
  if (rtts.length === 0) throw new Error(`${config.name}: every ping to ${target} was lost`);
  sample.pingMs = median(rtts);
  progress(`ping median ${sample.pingMs.toFixed(3)} ms (${rtts.length}/${pingCount} answered)`);
  // Pings 1 ms apart: no core has time to fall asleep between them (the 20 ms series above
  // includes waking up, which on a virtual machine costs more than the translation).
  const fastRtts = await pingRtts(lab, target, fastPingCount, fastPingIntervalS);
  if (fastRtts.length === 0) throw new Error(`${config.name}: every fast ping to ${target} was lost`);
  sample.pingFastMs = median(fastRtts);
  progress(`ping 1 ms apart: median ${sample.pingFastMs.toFixed(3)} ms (${fastRtts.length}/${fastPingCount} answered)`);

  // CPU of the PLAT first, then of the CLAT when there is one.
  const pids = clatPid === null ? [platPid] : [platPid, clatPid];
  const tcp1 = await retriedOnce('TCP ×1', progress, () => withCpu(pids, ticksPerSecond, () => iperf3Tcp(lab, target, 1, seconds)));
  const gb1 = tcp1.result.bytes / 1e9;
  sample.tcp1Gbps = tcp1.result.gbitPerSecond;
  sample.platCpuPerGb1 = tcp1.cpu[0] / gb1;
  if (clatPid !== null) sample.clatCpuPerGb1 = tcp1.cpu[1] / gb1;
  progress(`TCP ×1 ${sample.tcp1Gbps.toFixed(2)} Gbit/s${clatPid === null ? '' : `, CLAT ${sample.clatCpuPerGb1?.toFixed(2)} CPU s/GB`}`);

  const tcp4 = await retriedOnce('TCP ×4', progress, () => withCpu(pids, ticksPerSecond, () => iperf3Tcp(lab, target, 4, seconds)));
  sample.tcp4Gbps = tcp4.result.gbitPerSecond;
  if (clatPid !== null) sample.clatCpuPerGb4 = tcp4.cpu[1] / (tcp4.result.bytes / 1e9);
  progress(`TCP ×4 ${sample.tcp4Gbps.toFixed(2)} Gbit/s${clatPid === null ? '' : `, CLAT ${sample.clatCpuPerGb4?.toFixed(2)} CPU s/GB`}`);

  const down = await retriedOnce('TCP download', progress, () => withCpu(pids, ticksPerSecond, () => iperf3Tcp(lab, target, 1, seconds, true)));
  sample.tcpDownGbps = down.result.gbitPerSecond;
  if (clatPid !== null) sample.clatCpuPerGbDown = down.cpu[1] / (down.result.bytes / 1e9);
  progress(`TCP download ${sample.tcpDownGbps.toFixed(2)} Gbit/s${clatPid === null ? '' : `, CLAT ${sample.clatCpuPerGbDown?.toFixed(2)} CPU s/GB`}`);

  const udp = await retriedOnce('UDP', progress, () => withCpu(pids, ticksPerSecond, () => iperf3Udp(lab, target, udpPayloadBytes, seconds)));
  sample.udpKpps = udp.result.receivedPerSecond / 1000;
  sample.udpLossPct = udp.result.lossPercent;
  sample.platCpuUdpPct = (100 * udp.cpu[0]) / udp.elapsedS;
  if (clatPid !== null) sample.clatCpuUdpPct = (100 * udp.cpu[1]) / udp.elapsedS;
  progress(`UDP ${udpPayloadBytes} B ${sample.udpKpps.toFixed(0)} kpackets/s received, ${sample.udpLossPct.toFixed(1)} % lost`);

  // The same without the NAT64: the CLAT (or, for ipv6-native, nothing) is all there is to measure.
  const alone = config.clatOnlyTarget;
  const clatPids = clatPid === null ? [] : [clatPid];
  const tcpAlone = await retriedOnce('TCP ×1 without NAT64', progress, () => withCpu(clatPids, ticksPerSecond, () => iperf3Tcp(lab, alone, 1, seconds)));
  sample.tcp1AloneGbps = tcpAlone.result.gbitPerSecond;
  if (clatPid !== null) sample.clatCpuPerGbAlone = tcpAlone.cpu[0] / (tcpAlone.result.bytes / 1e9);
  const tcp4Alone = await retriedOnce('TCP ×4 without NAT64', progress, () => iperf3Tcp(lab, alone, 4, seconds));
  sample.tcp4AloneGbps = tcp4Alone.gbitPerSecond;
  const udpAlone = await retriedOnce('UDP without NAT64', progress, () => iperf3Udp(lab, alone, udpPayloadBytes, seconds));
  sample.udpAloneKpps = udpAlone.receivedPerSecond / 1000;
  progress(`without NAT64: TCP ×1 ${sample.tcp1AloneGbps.toFixed(2)} Gbit/s, ×4 ${sample.tcp4AloneGbps.toFixed(2)} Gbit/s, UDP ${udpPayloadBytes} B ${sample.udpAloneKpps.toFixed(0)} kpackets/s received`);
  return sample;
}

/**
 * iperf3 now and then fails a run on a loaded machine (the control connection times out after a
 * flood): one more try, said on stderr, rather than losing the whole run. `run` reads the CPU
 * itself, so only the try that counts is charged.
 */
async function retriedOnce<T>(what: string, progress: (line: string) => void, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    progress(`${what} failed (${(error as Error).message}); trying once more`);
    return run();
  }
}

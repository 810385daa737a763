// Roaming, suspend and resume (issue 12, part 3), with the engine in auto mode and no uplink named,
// and an HTTP download running in a loop throughout. One laptop's afternoon on the lab's first link:
//   1. roaming: the link loses its carrier for 30 s and comes back on another network (another /64
//      and another PREF64, core/lab/other-network.ts): the CLAT is back, with an address in the new
//      /64 and the new PREF64, soon after the new network's first RA;
//   2. a dual-stack network (an IPv4 address and default route on the uplink, as DHCPv4 gives):
//      auto mode steps aside, status says why, and native IPv4 carries the downloads;
//   3. IPv6-only again (the lease gone): the CLAT comes back by itself;
//   4. suspend and resume: the engine is frozen (SIGSTOP) while the host turns its link off (as a
//      network manager does on suspend, which takes the addresses away) for 30 s and the network
//      changes back to the first one; resumed (SIGCONT) with the link on, the CLAT is back there.
// Each step prints its timings, measured from the RAs seen on the wire (tcpdump), the kernel's
// address events (ip monitor) and the engine's own log lines as they arrive. The engine is stopped at
// the end: the host is as before. What a real suspend adds, the monotonic clock standing still while
// the wall clock runs (resume-watch.ts), cannot be made here: CLOCK_REALTIME belongs to the whole
// machine (time namespaces offset only the monotonic and boot clocks, and only before a process
// enters); a frozen engine meets the same network changes all at once when it wakes, as after a resume.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClatStatus } from '../../core/api/status.js';
import { createLab, type Lab } from '../../core/lab/lab.js';
import { pollUntil } from '../../core/lab/poll.js';
import { nat64Plans, topology } from '../../core/lab/topology.js';
import { DownloadLoop } from './download-loop.js';
import { EngineProcess, engineDir, isRunning, tearDown, type RunningStatus } from './engine-process.js';
import { hostSnapshot } from './host-snapshot.js';
import { inPrefix } from './in-prefix.js';
import { RaWatch } from './ra-watch.js';
import { seconds, TimedLines } from './timed-lines.js';

const isRoot = process.getuid?.() === 0;

/**
 * The issue's figure, asserted: the CLAT back within 2 s of the new network's RA (its /64 and its
 * PREF64). The engine takes the /64 from the RA as it arrives (the raw RA socket), with the old
 * network's /64 stale since the carrier loss, and proves the CLAT's address by DAD (1 s, RFC 4862
 * §5.4) while the kernel proves its own; then the data path (a few hundred ms).
 */
const targetAfterRaMs = 2_000;

/** How long the link is away when roaming and while suspended (the issue's 30 s). */
const awayMs = 30_000;

const networkA = { slaacPrefix: topology.isp.slaacPrefix, routerAddress: topology.isp.ipv6, pref64: nat64Plans[0].prefix };
const networkB = { slaacPrefix: '2001:db8:1:4::/64', routerAddress: '2001:db8:1:4::1', pref64: nat64Plans[1].prefix };
/** Native IPv4 of the dual-stack network on the same link (RFC 5737 addresses): the router's and the host's. */
const nativeIpv4 = { router: '198.51.100.129', host: '198.51.100.130', prefixLength: 25 };

function runningIn(slaacPrefix: string, pref64: string): (status: ClatStatus) => status is RunningStatus {
  return (status): status is RunningStatus => isRunning(status) && inPrefix(status.clatIpv6, slaacPrefix) && status.prefix.prefix === pref64;
}

describe.skipIf(!isRoot)('roaming, a dual-stack network, suspend and resume (auto mode)', () => {
  let lab: Lab;
  let dir: string | undefined;
  let engine: EngineProcess | undefined;
  let pristine: string;

  beforeAll(async () => {
    lab = await createLab();
    pristine = await hostSnapshot(lab);
    dir = engineDir();
  }, 90_000);

  afterAll(async () => {
    // A frozen engine cannot turn itself off.
    engine?.process.child.kill('SIGCONT');
    await tearDown(engine, lab, dir);
  }, 60_000);

  it('comes back on a new network within seconds of its RA, steps aside for native IPv4, returns after it, and after a resume', async () => {
    engine = await EngineProcess.start(lab, { dir: dir!, auto: true });
    const clat = engine;
    const log = new TimedLines(clat.process);
    const uplink = lab.host.uplink;
    const first = await clat.waitForStatus(isRunning, 'running by itself', 15_000);
    expect(first).toMatchObject({ mode: 'auto', auto: 'on: no native IPv4', uplink });
    expect(inPrefix(first.clatIpv6, networkA.slaacPrefix)).toBe(true);

    const wire = await RaWatch.start(lab, uplink);
    // When the kernel's SLAAC address in a /64 is usable (DAD done): `ip monitor` prints it again without "tentative".
    const addressEvents = new TimedLines(lab.spawn('host', ['ip', 'monitor', 'address'], { name: 'ip monitor address' }));
    const slaacUsable = (slaacPrefix: string, sinceMs: number) =>
      addressEvents.waitFor(new RegExp(`^\\d+: ${uplink}\\s+inet6 ${slaacPrefix.replace('::/64', ':')}\\S+/64 (?!.*tentative)`), sinceMs, 20_000);
    const downloads = DownloadLoop.start(lab, `http://${lab.server.ipv4}${lab.server.http.path}`, lab.server.http.sizeBytes, { timeoutSeconds: 0.5 });
    const firstDownloadAfter = async (sinceMs: number) => {
      await downloads.waitForSuccesses(1, sinceMs, 20_000);
      return downloads.downloads.find((d) => d.ok && d.startMs >= sinceMs)!.endMs;
    };
    /**
     * The CLAT's first run in `network`'s /64 after `sinceMs`, and what the network had told the host
     * by then: its RA with the /64, the host's SLAAC address there past DAD, and the prefix the CLAT
     * took (its PREF64 RA, or the DNS64 answer). In a real network one RA carries the /64 and PREF64;
     * the lab's radvd and PREF64 sender send them apart, so "the network's RA" is the later of the two.
     */
    const cameBack = async (network: { readonly slaacPrefix: string }, sinceMs: number) => {
      const running = await log.waitFor(
        new RegExp(`CLAT running: 192\\.0\\.0\\.1 ↔ (${network.slaacPrefix.replace('::/64', ':')}\\S+) via (\\S+) \\((\\w+)\\); address proved in (\\d+) ms \\(DAD\\), data path up in (\\d+) ms`),
        sinceMs,
        20_000,
      );
      const [, clatIpv6, prefix, source, dadMs, datapathMs] = running.match;
      const ra = await wire.waitForRa((heard) => heard.prefixes.includes(network.slaacPrefix), sinceMs, 5_000, `the first RA with ${network.slaacPrefix}`);
      const address = await slaacUsable(network.slaacPrefix, sinceMs);
      const prefixHeard =
        source === 'ra'
          ? await wire.waitForRa((heard) => heard.pref64 === prefix, sinceMs, 5_000, `the first PREF64 RA with ${prefix}`)
          : await pollUntil(async () => wire.firstDnsAnswer(sinceMs), { timeoutMs: 5_000, what: 'the first DNS answer' });
      return {
        clatIpv6,
        prefix: `${prefix} (${source})`,
        raMs: ra.atMs - sinceMs,
        addressMs: address.atMs - sinceMs,
        prefixMs: prefixHeard.atMs - sinceMs,
        runningMs: running.atMs - sinceMs,
        dadMs: Number(dadMs),
        datapathMs: Number(datapathMs),
        raAtMs: Math.max(ra.atMs, prefixHeard.atMs),
        afterRaMs: running.atMs - Math.max(ra.atMs, prefixHeard.atMs),
        afterAddressMs: running.atMs - Math.max(address.atMs, prefixHeard.atMs),
      };
    };
    const describeBack = (back: Awaited<ReturnType<typeof cameBack>>) =>
      `the /64's RA +${seconds(back.raMs)}, the host's SLAAC address usable +${seconds(back.addressMs)}, the prefix ${back.prefix} heard +${seconds(back.prefixMs)}; ` +
      `CLAT running (${back.clatIpv6}; its DAD ${seconds(back.dadMs)}, data path ${seconds(back.datapathMs)}) +${seconds(back.runningMs)}: ${seconds(back.afterRaMs)} after the network's RAs ` +
      `(the issue's ${seconds(targetAfterRaMs)}: ${back.afterRaMs <= targetAfterRaMs ? 'met' : 'not met'}), ${seconds(back.afterAddressMs)} after the host's address and that prefix`;
    try {
      await downloads.waitForSuccesses(3, 0, 15_000);

      // 1. Roaming: carrier lost for 30 s; meanwhile the link's network becomes B.
      const lostMs = Date.now();
      await lab.uplinkDown('carrier');
      await lab.moveHostLinkTo(networkB);
      await lab.pref64.set(networkB.pref64);
      const away = await clat.waitForStatus((status) => !isRunning(status), 'out of running without carrier', 10_000);
      expect(away).toMatchObject({ state: 'discovering', uplink, auto: 'on: no native IPv4' });
      await sleep(lostMs + awayMs - Date.now());
      const upMs = Date.now();
      await lab.uplinkUp({ waitForAddress: false });
      const backB = await cameBack(networkB, upMs);
      // In the lab the DNS64 answer may come before the PREF64 RA; the CLAT ends up with B's PREF64 (RAs rank first).
      const onB = await clat.waitForStatus(runningIn(networkB.slaacPrefix, networkB.pref64), "running with network B's /64 and PREF64", 20_000);
      const downloadB = await firstDownloadAfter(upMs);
      console.log(
        `roaming: carrier back after ${seconds(upMs - lostMs)} away; then ${describeBack(backB)}; first download +${seconds(downloadB - upMs)} ` +
          `(${seconds(downloadB - backB.raAtMs)} after the network's RAs)`,
      );
      expect(onB.uplink).toBe(uplink);
      expect(backB.afterRaMs).toBeLessThanOrEqual(targetAfterRaMs);

      // 2. A dual-stack network: IPv4 on the link, as DHCPv4 would configure it.
      await lab.exec('isp', ['ip', 'address', 'add', `${nativeIpv4.router}/${nativeIpv4.prefixLength}`, 'dev', lab.isp.hostLink]);
      const ipv4Ms = Date.now();
      await lab.exec('host', ['ip', 'address', 'add', `${nativeIpv4.host}/${nativeIpv4.prefixLength}`, 'dev', uplink]);
      await lab.exec('host', ['ip', 'route', 'add', 'default', 'via', nativeIpv4.router, 'dev', uplink]);
      const aside = await log.waitFor(/CLAT down: native IPv4 appeared/, ipv4Ms, 10_000);
      const off = await clat.waitForStatus((status) => status.state === 'off', 'off on the dual-stack network', 10_000);
      expect(off).toEqual({
        state: 'off',
        mode: 'auto',
        reason: `native IPv4 appeared (default via ${nativeIpv4.router} dev ${uplink})`,
        auto: `off: the host has native IPv4 (default via ${nativeIpv4.router} dev ${uplink})`,
      });
      // Native IPv4 wins: the server is reached straight through the uplink, and downloads go on.
      expect((await lab.exec('host', ['ip', '-4', 'route', 'get', lab.server.ipv4])).stdout).toContain(`dev ${uplink}`);
      const downloadNative = await firstDownloadAfter(aside.atMs);
      console.log(
        `dual-stack: CLAT stepped aside ${seconds(aside.atMs - ipv4Ms)} after the IPv4 default route appeared; first download over native IPv4 ${seconds(downloadNative - ipv4Ms)} after it; ` +
          `no successful download for ${seconds(downloads.outageDuring(ipv4Ms, downloadNative).ms)}`,
      );

      // 3. IPv6-only again: the lease and its route go.
      const goneMs = Date.now();
      await lab.exec('host', ['ip', 'address', 'del', `${nativeIpv4.host}/${nativeIpv4.prefixLength}`, 'dev', uplink]);
      await lab.exec('isp', ['ip', 'address', 'del', `${nativeIpv4.router}/${nativeIpv4.prefixLength}`, 'dev', lab.isp.hostLink]);
      const backOn = await log.waitFor(/CLAT running: /, goneMs, 15_000);
      const again = await clat.waitForStatus(runningIn(networkB.slaacPrefix, networkB.pref64), 'running again on IPv6-only B', 15_000);
      expect(again).toMatchObject({ mode: 'auto', auto: 'on: no native IPv4', uplink });
      const downloadAgain = await firstDownloadAfter(goneMs);
      console.log(
        `IPv6-only again: CLAT running ${seconds(backOn.atMs - goneMs)} after native IPv4 went; first download through it ${seconds(downloadAgain - goneMs)} after; ` +
          `no successful download for ${seconds(downloads.outageDuring(goneMs, downloadAgain).ms)}`,
      );

      // 4. Suspend: the engine frozen; the link off (a network manager deconfigures on suspend) for
      // 30 s, during which the network changes back to A; then resume with the link on.
      clat.process.child.kill('SIGSTOP');
      const sleptMs = Date.now();
      await lab.uplinkDown('admin');
      await lab.moveHostLinkTo(networkA);
      await lab.pref64.set(networkA.pref64);
      await sleep(sleptMs + awayMs - Date.now());
      const resumedMs = Date.now();
      clat.process.child.kill('SIGCONT');
      await lab.uplinkUp({ waitForAddress: false });
      const backA = await cameBack(networkA, resumedMs);
      const onA = await clat.waitForStatus(runningIn(networkA.slaacPrefix, networkA.pref64), "running with network A's /64 and PREF64", 20_000);
      const downloadA = await firstDownloadAfter(resumedMs);
      // After a resume the kernel first redoes DAD of the link-local address and solicits (RFC 4861 §6.3.7).
      console.log(
        `resume: after ${seconds(resumedMs - sleptMs)} asleep; then ${describeBack(backA)}; first download +${seconds(downloadA - resumedMs)} ` +
          `(${seconds(downloadA - backA.raAtMs)} after the network's RAs)`,
      );
      expect(onA.uplink).toBe(uplink);
      expect(backA.afterRaMs).toBeLessThanOrEqual(targetAfterRaMs);
    } finally {
      await downloads.stop();
      await wire.stop();
      console.log(`roaming: engine log\n${log.lines.map((l) => `  +${seconds(l.atMs - log.lines[0].atMs)} ${l.line}`).join('\n')}`);
    }

    expect(await clat.stop()).toEqual({ code: 0, signal: null });
    await pollUntil(() => lab.hostAddress(), { timeoutMs: 20_000, what: "the uplink's SLAAC address" });
    expect(await hostSnapshot(lab)).toBe(pristine);
  }, 240_000);
});

// A host with two uplinks (issue 12, "follow the laptop"): the lab's first link and a second one with
// its own /64 and PREF64 (core/lab/second-uplink.ts), the second ranked lower (metric 2048 against
// 1024), as a network manager ranks Wi-Fi after Ethernet. `clatter up` names no uplink, so the CLAT
// follows the interface of the IPv6 default route: it moves to uplink2 when the first link goes
// down, and back when the first link returns and its default route is the preferred one again. An
// HTTP download runs in a loop all along; the test prints how long no download succeeded around each
// move (the IPv4 outage a user sees) and holds it to a few seconds. `down` then leaves both links
// exactly as they were. Twice: the link losing its carrier (Wi-Fi gone, cable pulled: the kernel
// keeps its addresses and its default route, flagged linkdown), and the host turning it off.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClatStatus } from '../../core/api/status.js';
import { createLab, type Lab, type SecondUplink } from '../../core/lab/lab.js';
import { pollUntil } from '../../core/lab/poll.js';
import { nat64Plans } from '../../core/lab/topology.js';
import { DownloadLoop, type Outage } from './download-loop.js';
import { EngineProcess, engineDir, isRunning, tearDown, type RunningStatus } from './engine-process.js';
import { hostSnapshot } from './host-snapshot.js';
import { inPrefix } from './in-prefix.js';
import { RaWatch } from './ra-watch.js';
import { seconds, TimedLines } from './timed-lines.js';

const isRoot = process.getuid?.() === 0;

/**
 * What a move may cost beyond the wait for the new uplink's prefix (issue 12: "no IPv4 outage longer
 * than the time to get the new network's prefix"): noticing the change (300 ms debounce), DAD of the
 * new CLAT address (1 s), setting the data path up, and the download loop's own granularity (a
 * connect that misses the moment waits out its 0.5 s timeout).
 */
const maxOutageBeyondPrefixMs = 3_500;
/**
 * "A few seconds at most": a move may wait for the new uplink's PREF64 (solicited, or the next
 * periodic RA, every 3 s in the lab), unless the engine already heard it there (its RA cache); plus
 * the above.
 */
const maxOutageMs = 3_000 + maxOutageBeyondPrefixMs;

function runningOn(uplink: string): (status: ClatStatus) => status is RunningStatus {
  return (status): status is RunningStatus => isRunning(status) && status.uplink === uplink;
}

interface Move {
  readonly what: string;
  readonly outage: Outage;
  /** From the change to the first RA or DNS answer on the new uplink that gave the prefix the CLAT took. */
  readonly prefixAfterMs: number | null;
  readonly runningAfterMs: number;
}

const dns64Prefix = nat64Plans[0].prefix;

describe.skipIf(!isRoot)('two uplinks: the CLAT follows the IPv6 default route', () => {
  let lab: Lab;
  let second: SecondUplink;
  let dir: string | undefined;
  let engine: EngineProcess | undefined;
  let pristine: string;
  const uplinks = () => [lab.host.uplink, second.uplink];

  beforeAll(async () => {
    lab = await createLab();
    second = await lab.addSecondUplink();
    pristine = await hostSnapshot(lab, uplinks());
    dir = engineDir();
  }, 90_000);

  afterAll(() => tearDown(engine, lab, dir), 60_000);

  it('moves to uplink2 when the first uplink goes down and back when it returns, with a short outage; down restores both links', async () => {
    const firstLink = { uplink: lab.host.uplink, slaacPrefix: lab.host.slaacPrefix, pref64: nat64Plans[0].prefix };
    const secondLink = { uplink: second.uplink, slaacPrefix: second.slaacPrefix, pref64: nat64Plans[1].prefix };
    expect(second.pref64.current?.prefix).toBe(secondLink.pref64);

    engine = await EngineProcess.start(lab, { dir: dir! });
    const clat = engine;
    const log = new TimedLines(clat.process);
    // No --uplink: the engine takes the interface of the IPv6 default route, and follows it.
    await clat.up();
    const first = await clat.waitForStatus(runningOn(firstLink.uplink), 'running on the first uplink', 15_000);
    expect(inPrefix(first.clatIpv6, firstLink.slaacPrefix)).toBe(true);

    const url = `http://${lab.server.ipv4}${lab.server.http.path}`;
    const downloads = DownloadLoop.start(lab, url, lab.server.http.sizeBytes, { timeoutSeconds: 0.5 });
    const wire = { [firstLink.uplink]: await RaWatch.start(lab, firstLink.uplink), [secondLink.uplink]: await RaWatch.start(lab, secondLink.uplink) };
    const moves: Move[] = [];
    try {
      await downloads.waitForSuccesses(3, 0, 15_000);

      /** Makes `change`, expects the CLAT to run on `to`, and records the outage around it. */
      const move = async (what: string, change: () => Promise<void>, to: typeof firstLink): Promise<RunningStatus> => {
        const atMs = Date.now();
        await change();
        const moving = await log.waitFor(new RegExp(`IPv6 default route moved from \\S+ to ${to.uplink}:`), atMs, 20_000);
        const running = await log.waitFor(/CLAT running: /, moving.atMs, 20_000);
        const status = await clat.waitForStatus(runningOn(to.uplink), `running on ${to.uplink}`, 10_000);
        await downloads.waitForSuccesses(3, Date.now(), 15_000);
        const outage = downloads.outageDuring(atMs, Date.now());
        // When the new uplink gave the host its NAT64 prefix: the first PREF64 RA there, or the
        // first DNS answer (RFC 7050) there, whichever the CLAT took.
        const heard = status.prefix.source === 'ra' ? wire[to.uplink].firstRa((ra) => ra.pref64 !== null, moving.atMs) : wire[to.uplink].firstDnsAnswer(moving.atMs);
        const prefixAfterMs = heard === null ? null : Math.max(0, heard.atMs - atMs);
        moves.push({ what, outage, prefixAfterMs, runningAfterMs: running.atMs - atMs });
        console.log(
          `two uplinks, ${what}: the engine moved the CLAT to ${to.uplink} ${seconds(moving.atMs - atMs)} after the change; ` +
            `the prefix ${status.prefix.prefix} (${status.prefix.source}) heard there ${prefixAfterMs === null ? '?' : seconds(prefixAfterMs)} after it; ` +
            `running (${status.clatIpv6}) ${seconds(running.atMs - atMs)} after it; no successful download for ${seconds(outage.ms)} (${outage.failed} failed)`,
        );
        expect(inPrefix(status.clatIpv6, to.slaacPrefix)).toBe(true);
        // The prefix of the new uplink: its PREF64, or the DNS64 prefix when the DNS answer came
        // first (in the lab, DNS64 synthesises with the first NAT64 prefix whatever the link).
        expect([to.pref64, dns64Prefix]).toContain(status.prefix.prefix);
        return status;
      };

      // 1. Carrier loss: the kernel keeps the first uplink's default route, flagged linkdown.
      const onSecond = await move('first uplink lost its carrier', () => lab.uplinkDown('carrier'), secondLink);
      // The old uplink's changes are undone: no CLAT address left on it.
      expect((await lab.exec('host', ['ip', '-6', 'addr', 'show', 'dev', firstLink.uplink])).stdout).not.toContain(first.clatIpv6);
      // RAs rank PREF64 above DNS64 (prefix-state.ts: RA before DNS): the CLAT ends up with uplink2's own PREF64.
      await clat.waitForStatus((status) => runningOn(secondLink.uplink)(status) && status.prefix.prefix === secondLink.pref64, "running with uplink2's PREF64", 10_000);
      // Its carrier back, its default route (metric 1024) is the preferred one again.
      const backOnFirst = await move('first uplink got its carrier back', () => lab.uplinkUp({ waitForAddress: false }), firstLink);
      expect((await lab.exec('host', ['ip', '-6', 'addr', 'show', 'dev', secondLink.uplink])).stdout).not.toContain(onSecond.clatIpv6);
      // The same network as before: the same stable CLAT address there.
      expect(backOnFirst.clatIpv6).toBe(first.clatIpv6);

      // 2. The host turns its first uplink off: its addresses and routes go with it.
      await move('first uplink turned off (ip link set down)', () => lab.uplinkDown('admin'), secondLink);
      // Turned on, it solicits, gets its address and route back (after DAD), and is preferred again.
      await move('first uplink turned on again', () => lab.uplinkUp({ waitForAddress: false }), firstLink);
    } finally {
      await downloads.stop();
      for (const watch of Object.values(wire)) await watch.stop();
    }
    const all = downloads.downloads;
    console.log(
      `two uplinks: ${all.length} downloads (${all.filter((d) => !d.ok).length} failed); longest stretch without a successful download ${seconds(downloads.longestGapMs())}`,
    );
    console.log(`two uplinks: engine log\n${log.lines.map((l) => `  +${seconds(l.atMs - log.lines[0].atMs)} ${l.line}`).join('\n')}`);
    for (const { what, outage, prefixAfterMs } of moves) {
      expect(outage.ms, what).toBeLessThanOrEqual(maxOutageMs);
      // No RA with the prefix on the wire after the change: the engine had it already (heard on
      // that uplink before, still valid), so the whole outage is what the move costs.
      expect(outage.ms - (prefixAfterMs ?? 0), `${what}: outage beyond the wait for the prefix`).toBeLessThanOrEqual(maxOutageBeyondPrefixMs);
    }

    expect(await clat.down()).toEqual({ state: 'off', mode: 'manual' });
    expect(await clat.stop()).toEqual({ code: 0, signal: null });
    // Both links back in their state: wait for the first one's SLAAC address (after the admin
    // down, DAD again), then compare everything, uplink2's sysctls included.
    await pollUntil(() => lab.hostAddress(), { timeoutMs: 20_000, what: "the first uplink's SLAAC address" });
    expect(await hostSnapshot(lab, uplinks())).toBe(pristine);
  }, 240_000);
});

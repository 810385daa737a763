// The CLAT leaves the host as it found it: after `clatter down`, after SIGTERM, and after kill -9
// followed by a restart (the undo journal, core/host/journal.ts). "As it found it" is the host
// namespace's addresses, every route table, the proxy neighbours and the sysctls the engine writes,
// compared as text (host-snapshot.ts) with only the kernel's own lifetime countdowns left out.
// The tests share one lab and run in order; each starts from an engine that is up or restartable.
// Both SLAAC deliveries that change the uplink are covered: ingress (the default: an nftables
// netdev table and the anycast CLAT address) and force-forwarding (sysctls and a proxy neighbour).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, type Lab } from '../../core/lab/lab.js';
import { pollUntil } from '../../core/lab/poll.js';
import { EngineProcess, engineDir, runningWith, tearDown } from './engine-process.js';
import { hostSnapshot } from './host-snapshot.js';

const isRoot = process.getuid?.() === 0;

const journalFile = 'host-journal.jsonl';

/** What each delivery leaves on the host while it runs, in the snapshot and in the journal after kill -9. */
const deliveries = [
  {
    delivery: 'ingress',
    running: [/"family": "netdev",\n\s*"name": "clatter"/, /^net\.ipv6\.neigh\.uplink\.proxy_delay = 0$/m],
    journal: [/"kind":"nft","undo":\["delete","table","netdev","clatter"\]/, /"kind":"sysctl"/],
  },
  {
    delivery: 'force-forwarding',
    running: [/"proxy"/, /^net\.ipv6\.conf\.uplink\.proxy_ndp = 1$/m],
    journal: [/"kind":"sysctl"/, /"neigh","del","proxy"/],
  },
] as const;

describe.skipIf(!isRoot).each(deliveries)('the CLAT restores the host ($delivery): down, SIGTERM, kill -9 and restart', ({ delivery, running: runningMarks, journal: journalMarks }) => {
  let lab: Lab;
  let dir: string | undefined;
  let engine: EngineProcess | undefined;
  /** The host before any CLAT ran. */
  let pristine: string;

  beforeAll(async () => {
    lab = await createLab();
    pristine = await hostSnapshot(lab);
    dir = engineDir();
    engine = await EngineProcess.start(lab, { dir, delivery });
  }, 90_000);

  afterAll(() => tearDown(engine, lab, dir), 60_000);

  /** Up, and settled on the RA's prefix (so that every change the engine makes has been made), with traffic through it. */
  async function upAndRunning(clat: EngineProcess): Promise<string> {
    await clat.up();
    await clat.waitForStatus(runningWith('2001:db8:64::/96', 'ra'), 'running with the PREF64 prefix', 15_000);
    await lab.exec('host', ['ping', '-n', '-c', '2', '-i', '0.2', '-w', '10', '203.0.113.10'], { timeoutMs: 15_000 });
    const running = await hostSnapshot(lab);
    // The snapshot sees what the CLAT changed, so an equal one after restoring means something.
    expect(running).not.toBe(pristine);
    expect(running).toMatch(/"ifname": "clat"/);
    for (const mark of runningMarks) expect(running).toMatch(mark);
    return running;
  }

  it('`clatter down` puts back addresses, routes, proxy neighbours and sysctls exactly', async () => {
    const clat = engine!;
    await upAndRunning(clat);
    const status = await clat.down();
    expect(status).toEqual({ state: 'off', mode: 'manual' });
    expect(await hostSnapshot(lab)).toBe(pristine);
    expect(existsSync(join(clat.stateDir, journalFile))).toBe(false);
  }, 60_000);

  it('SIGTERM of a running engine restores the host too', async () => {
    await upAndRunning(engine!);
    const exit = await engine!.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(engine!.log).toMatch(/SIGTERM: turning the CLAT off and exiting/);
    expect(await hostSnapshot(lab)).toBe(pristine);
    engine = await EngineProcess.start(lab, { dir: dir!, delivery });
  }, 60_000);

  it('after kill -9 under traffic, the restarted engine undoes the journal and the host is restored', async () => {
    const clat = engine!;
    await upAndRunning(clat);
    const ping = lab.spawn('host', ['ping', '-n', '-i', '0.1', '203.0.113.10'], { name: 'ping' });
    try {
      // Traffic flows through the CLAT when it dies.
      await pollUntil(async () => (ping.output.match(/bytes from 203\.0\.113\.10/g)?.length ?? 0) >= 5 || null, { timeoutMs: 15_000, what: '5 ping replies' });
      const exit = await clat.kill();
      expect(exit.signal).toBe('SIGKILL');

      // The TUN went with the process, its addresses and routes with it; what was set on the uplink
      // stayed, and the journal says how to undo it.
      expect((await lab.exec('host', ['ip', 'link', 'show', 'clat'], { check: false })).code).not.toBe(0);
      const crashed = await hostSnapshot(lab);
      expect(crashed).not.toBe(pristine);
      for (const mark of runningMarks) expect(crashed).toMatch(mark);
      const journal = readFileSync(join(clat.stateDir, journalFile), 'utf8');
      for (const mark of journalMarks) expect(journal).toMatch(mark);

      // The same state dir, with the ping still going: the new engine undoes the dead one's changes
      // before it says it is listening...
      engine = await EngineProcess.start(lab, { dir: dir!, delivery });
      expect(engine.log).toMatch(/undoing \d+ host changes left by a previous run/);
      expect(engine.log).not.toMatch(/undo failed/);
      expect(existsSync(join(engine.stateDir, journalFile))).toBe(false);
      expect(await engine.status()).toEqual({ state: 'off', mode: 'manual' });
    } finally {
      await ping.stop();
    }
    expect(await hostSnapshot(lab)).toBe(pristine);
    // ...and `clatter down` on the restarted engine changes nothing further.
    expect(await engine.down()).toEqual({ state: 'off', mode: 'manual' });
    expect(await hostSnapshot(lab)).toBe(pristine);
  }, 90_000);
});

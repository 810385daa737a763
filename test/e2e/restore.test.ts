// The CLAT leaves the host as it found it: after `clatter down`, after SIGTERM, and after kill -9
// followed by a restart (the undo journal, core/host/journal.ts). "As it found it" is the host
// namespace's addresses, every route table, the proxy neighbours and the sysctls the engine writes,
// compared as text (host-snapshot.ts) with only the kernel's own lifetime countdowns left out.
// The tests share one lab and run in order; each starts from an engine that is up or restartable.
// Both SLAAC deliveries that change the uplink are covered: ingress (the default: an nftables
// netdev table and the anycast CLAT address) and force-forwarding (sysctls and a proxy neighbour).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pollUntil } from '../../core/lab/poll.js';
import { EngineProcess, runningWith } from './engine-process.js';
import { labWithEngine } from './lab-engine.js';
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
  /** The host before any CLAT ran. */
  let pristine: string;

  const setup = labWithEngine({
    engine: { delivery },
    beforeEngine: async (lab) => {
      pristine = await hostSnapshot(lab);
    },
  });

  /** Up, and settled on the RA's prefix (so that every change the engine makes has been made), with traffic through it. */
  async function upAndRunning(clat: EngineProcess): Promise<string> {
    await clat.up();
    await clat.waitForStatus(runningWith('2001:db8:64::/96', 'ra'), 'running with the PREF64 prefix', 15_000);
    await setup.lab.exec('host', ['ping', '-n', '-c', '2', '-i', '0.2', '-w', '10', '203.0.113.10'], { timeoutMs: 15_000 });
    const running = await hostSnapshot(setup.lab);
    // The snapshot sees what the CLAT changed, so an equal one after restoring means something.
    expect(running).not.toBe(pristine);
    expect(running).toMatch(/"ifname": "clat"/);
    for (const mark of runningMarks) expect(running).toMatch(mark);
    return running;
  }

  it('`clatter down` puts back addresses, routes, proxy neighbours and sysctls exactly', async () => {
    const clat = setup.engine;
    await upAndRunning(clat);
    const status = await clat.down();
    expect(status).toEqual({ state: 'off', mode: 'manual' });
    expect(await hostSnapshot(setup.lab)).toBe(pristine);
    expect(existsSync(join(clat.stateDir, journalFile))).toBe(false);
  }, 60_000);

  it('SIGTERM of a running engine restores the host too', async () => {
    await upAndRunning(setup.engine);
    const exit = await setup.engine.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(setup.engine.log).toMatch(/SIGTERM: turning the CLAT off and exiting/);
    expect(await hostSnapshot(setup.lab)).toBe(pristine);
    await setup.startEngine({ delivery });
  }, 60_000);

  it('after kill -9 under traffic, the restarted engine undoes the journal and the host is restored', async () => {
    const clat = setup.engine;
    await upAndRunning(clat);
    const ping = setup.lab.spawn('host', ['ping', '-n', '-i', '0.1', '203.0.113.10'], { name: 'ping' });
    try {
      // Traffic flows through the CLAT when it dies.
      await pollUntil(async () => (ping.output.match(/bytes from 203\.0\.113\.10/g)?.length ?? 0) >= 5 || null, { timeoutMs: 15_000, what: '5 ping replies' });
      const exit = await clat.kill();
      expect(exit.signal).toBe('SIGKILL');

      // The TUN went with the process, its addresses and routes with it; what was set on the uplink
      // stayed, and the journal says how to undo it.
      expect((await setup.lab.exec('host', ['ip', 'link', 'show', 'clat'], { check: false })).code).not.toBe(0);
      const crashed = await hostSnapshot(setup.lab);
      expect(crashed).not.toBe(pristine);
      for (const mark of runningMarks) expect(crashed).toMatch(mark);
      const journal = readFileSync(join(clat.stateDir, journalFile), 'utf8');
      for (const mark of journalMarks) expect(journal).toMatch(mark);

      // The same state dir, with the ping still going: the new engine undoes the dead one's changes
      // before it says it is listening...
      await setup.startEngine({ delivery });
      expect(setup.engine.log).toMatch(/undoing \d+ host changes left by a previous run/);
      expect(setup.engine.log).not.toMatch(/undo failed/);
      expect(existsSync(join(setup.engine.stateDir, journalFile))).toBe(false);
      expect(await setup.engine.status()).toEqual({ state: 'off', mode: 'manual' });
    } finally {
      await ping.stop();
    }
    expect(await hostSnapshot(setup.lab)).toBe(pristine);
    // ...and `clatter down` on the restarted engine changes nothing further.
    expect(await setup.engine.down()).toEqual({ state: 'off', mode: 'manual' });
    expect(await hostSnapshot(setup.lab)).toBe(pristine);
  }, 90_000);
});

// The CLAT beside the real NetworkManager (issue 11): the lab's host uplink is managed by Debian's
// NetworkManager (createLab({ networkManager: true }), confined to the lab), which does SLAAC itself
// with the kernel's accept_ra at 0, as on a desktop. The CLAT must learn PREF64 from the RAs, keep
// the kernel from configuring addresses or routes beside NetworkManager's, have NetworkManager
// leave its TUN alone, follow NetworkManager's connection going down and up, and leave the host and
// NetworkManager exactly as it found them after `down` and after kill -9 and a restart.
// The tests share one lab and one engine and run in order; each starts with the CLAT off.
//
// CLATTER_E2E_DELIVERY=packet-socket (or another --delivery) runs them with that delivery; by
// default the engine chooses.

import { copyFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MarkUnmanagedOutcome } from '../../core/host/network-manager.js';
import type { Found } from '../../core/host/host-inspect.js';
import type { OtherClat } from '../../core/host/other-clats.js';
import { findPackageRoot } from '../../core/install/package-root.js';
import { createLab, type Lab } from '../../core/lab/lab.js';
import { httpGet } from '../../core/lab/probes.js';
import { EngineProcess, engineDir, runningWith, tearDown, type EngineOptions } from './engine-process.js';
import { running } from '../processes.js';
import { hostSnapshot } from './host-snapshot.js';
import { filesUnder, machineSide, networkManagerOf, networkManagerSnapshot } from './network-manager-snapshot.js';

const isRoot = process.getuid?.() === 0;

const serverIpv4 = '203.0.113.10';
const firstPrefix = '2001:db8:64::/96';
const tun = 'clat';
const dropIn = join(findPackageRoot().dir, 'packaging', 'networkmanager', '90-clatter.conf');

const deliveries = ['force-forwarding', 'packet-socket', 'nat66'] as const;
function deliveryUnderTest(): EngineOptions['delivery'] {
  const wanted = process.env.CLATTER_E2E_DELIVERY;
  if (wanted === undefined || wanted === '') return undefined;
  const delivery = deliveries.find((d) => d === wanted);
  if (delivery === undefined) throw new Error(`CLATTER_E2E_DELIVERY=${wanted}: not one of ${deliveries.join(', ')}`);
  return delivery;
}

/**
 * Calls a function of the built product (dist/) inside the lab's host namespace, where the engine
 * runs, and returns what it resolved with: `call` is an expression over the module `m`.
 */
async function callInHost<T>(lab: Lab, module: string, call: string): Promise<T> {
  const url = pathToFileURL(join(findPackageRoot().dir, 'dist', module)).href;
  const script = `const m = await import(${JSON.stringify(url)}); process.stdout.write(JSON.stringify(await (${call})));`;
  const { stdout } = await lab.exec('host', [process.execPath, '--input-type=module', '-e', script]);
  return JSON.parse(stdout) as T;
}

function markUnmanagedInHost(lab: Lab): Promise<Found<MarkUnmanagedOutcome>> {
  return callInHost(lab, 'core/host/network-manager.js', `m.markUnmanaged(${JSON.stringify(tun)})`);
}

/**
 * What the kernel made on the uplink from RAs beside NetworkManager: SLAAC addresses (IFA_PROTO
 * kernel_ra), its default route (`proto ra metric 1024`; NetworkManager's is metric 100) and its
 * on-link prefix route (`proto kernel`, with an expiry). Empty while NetworkManager alone handles RAs.
 */
async function kernelMadeOnUplink(lab: Lab): Promise<string[]> {
  const made = (await lab.hostAddressOrigins()).filter((a) => a.ifname === lab.host.uplink && a.protocol === 'kernel_ra').map((a) => `address ${a.address}/${a.prefixLength} (kernel_ra)`);
  const { stdout } = await lab.exec('host', ['ip', '-j', '-6', 'route', 'show', 'dev', lab.host.uplink]);
  const routes = JSON.parse(stdout || '[]') as { dst: string; protocol?: string; metric?: number; expires?: number }[];
  for (const route of routes) {
    if (route.dst === 'default' && route.protocol === 'ra' && route.metric !== 100) made.push(`default route proto ra metric ${route.metric}`);
    if (route.dst === lab.host.slaacPrefix && route.protocol === 'kernel') made.push(`prefix route ${route.dst} proto kernel metric ${route.metric}`);
  }
  return made;
}

async function pingServer(lab: Lab): Promise<void> {
  const { stdout } = await lab.exec('host', ['ping', '-n', '-c', '3', '-i', '0.2', '-w', '15', serverIpv4], { timeoutMs: 20_000 });
  expect(stdout).toMatch(/^3 packets transmitted, 3 received/m);
}

async function downloadFile(lab: Lab): Promise<void> {
  const response = await httpGet(lab, 'host', `http://${serverIpv4}${lab.server.http.path}`, 20_000);
  expect(response.status).toBe(200);
  expect(response.sha256).toBe(lab.server.http.sha256);
}

describe.skipIf(!isRoot)('the CLAT beside the real NetworkManager', () => {
  let lab: Lab;
  let dir: string | undefined;
  let engine: EngineProcess | undefined;
  const delivery = deliveryUnderTest();
  const machineBefore = machineSide();
  /** The host and NetworkManager before any CLAT ran. */
  let pristineHost: string;
  let pristineNetworkManager: string;

  beforeAll(async () => {
    lab = await createLab({ networkManager: true });
    pristineHost = await hostSnapshot(lab);
    pristineNetworkManager = await networkManagerSnapshot(lab);
    dir = engineDir();
    engine = await EngineProcess.start(lab, { dir, delivery });
  }, 90_000);

  // Each test starts with the CLAT off, also after one that failed with it on.
  afterEach(async () => {
    if (engine !== undefined && engine.process.exit === null && (await engine.status()).state !== 'off') await engine.down();
  }, 30_000);

  afterAll(async () => {
    const daemons = lab?.daemons.map((daemon) => ({ name: daemon.name, pid: daemon.pid })) ?? [];
    await tearDown(engine, lab, dir);
    // The lab's teardown took NetworkManager and its bus with it; they ran in the lab only: nothing
    // of them on this machine's network, no mount recorded in its /run.
    expect(daemons.map((daemon) => daemon.name)).toEqual(expect.arrayContaining(['dbus-daemon', 'NetworkManager']));
    expect(daemons.filter((daemon) => running(daemon.pid))).toEqual([]);
    expect(machineSide()).toEqual(machineBefore);
  }, 60_000);

  /**
   * `clatter up`, running on the RA's prefix. The engine marks its TUN unmanaged as it makes it
   * (markUnmanaged(), core/host/network-manager.ts); the tests check that NetworkManager left it alone.
   */
  async function upBesideNetworkManager(): Promise<void> {
    await engine!.up();
    await engine!.waitForStatus(runningWith(firstPrefix, 'ra'), 'running with the PREF64 of the RAs', 20_000);
  }

  it('the lab: NetworkManager holds the uplink and makes its address and routes; the kernel makes none', async () => {
    const nm = networkManagerOf(lab);
    expect(await nm.deviceStates()).toEqual(new Map([['uplink', 'connected'], ['lo', 'connected (externally)']]));
    expect(pristineHost).toMatch(/^net\.ipv6\.conf\.uplink\.accept_ra = 0$/m);
    const origins = (await lab.hostAddressOrigins()).filter((a) => a.ifname === lab.host.uplink);
    expect(origins.map((a) => a.protocol)).toEqual(['unspec', 'unspec']);
    expect(origins.map((a) => a.address)).toContain(lab.host.address);
    expect(await kernelMadeOnUplink(lab)).toEqual([]);
    const { stdout } = await lab.exec('host', ['ip', '-6', 'route', 'show', 'default']);
    expect(stdout.trim()).toBe('default via fe80::1 dev uplink proto ra metric 100 pref medium');
  }, 30_000);

  it('markUnmanaged() on a TUN just made: NetworkManager never takes it, makes no profile, writes no file', async () => {
    const nm = networkManagerOf(lab);
    const before = { etc: filesUnder(nm.dirs.etc), lib: filesUnder(nm.dirs.lib, ['timestamps']), run: filesUnder(nm.dirs.run) };
    await lab.exec('host', ['ip', 'tuntap', 'add', tun, 'mode', 'tun']);
    try {
      expect(await markUnmanagedInHost(lab)).toEqual({ ok: true, value: 'marked' });
      // What the engine does next (core/host/host-setup.ts): up, with 192.0.0.1.
      await lab.exec('host', ['ip', 'link', 'set', tun, 'up']);
      await lab.exec('host', ['ip', 'address', 'add', '192.0.0.1/32', 'dev', tun]);
      for (let check = 0; check < 10; check++) {
        expect((await nm.deviceStates()).get(tun)).toBe('unmanaged');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(filesUnder(nm.dirs.etc)).toBe(before.etc);
      expect(filesUnder(nm.dirs.lib, ['timestamps'])).toBe(before.lib);
      expect(filesUnder(nm.dirs.run)).toBe(before.run);
    } finally {
      await lab.exec('host', ['ip', 'tuntap', 'del', tun, 'mode', 'tun'], { check: false });
    }
    expect(await hostSnapshot(lab)).toBe(pristineHost);
    expect(await networkManagerSnapshot(lab)).toBe(pristineNetworkManager);
  }, 30_000);

  it("the packaged drop-in: NetworkManager never takes the TUN, and an admin's own unmanaged-devices still hold", async () => {
    const nm = networkManagerOf(lab);
    const admins = join(nm.dirs.etc, 'conf.d', '50-admin.conf');
    const installed = join(nm.dirs.etc, 'conf.d', '90-clatter.conf');
    const adminTun = 'admintun';
    writeFileSync(admins, `[keyfile]\nunmanaged-devices=interface-name:${adminTun}\n`);
    copyFileSync(dropIn, installed);
    const made: string[] = [];
    try {
      await nm.nmcli(['general', 'reload', 'conf']);
      const before = { lib: filesUnder(nm.dirs.lib, ['timestamps']), run: filesUnder(nm.dirs.run) };
      // Both TUNs up with an address, nobody marking them: without a rule NetworkManager takes such a
      // TUN as "connected (externally)" at once.
      for (const [name, address] of [[tun, '192.0.0.1/32'], [adminTun, '198.51.100.99/32']]) {
        await lab.exec('host', ['ip', 'tuntap', 'add', name, 'mode', 'tun']);
        made.push(name);
        await lab.exec('host', ['ip', 'link', 'set', name, 'up']);
        await lab.exec('host', ['ip', 'address', 'add', address, 'dev', name]);
      }
      for (let check = 0; check < 10; check++) {
        const states = await nm.deviceStates();
        expect([states.get(tun), states.get(adminTun)]).toEqual(['unmanaged', 'unmanaged']);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(filesUnder(nm.dirs.lib, ['timestamps'])).toBe(before.lib);
      expect(filesUnder(nm.dirs.run)).toBe(before.run);
    } finally {
      for (const name of made) await lab.exec('host', ['ip', 'tuntap', 'del', name, 'mode', 'tun'], { check: false });
      rmSync(installed, { force: true });
      rmSync(admins, { force: true });
      await nm.nmcli(['general', 'reload', 'conf']);
    }
    expect(await hostSnapshot(lab)).toBe(pristineHost);
    expect(await networkManagerSnapshot(lab)).toBe(pristineNetworkManager);
  }, 30_000);

  it('up: PREF64 from the RAs, the TUN unmanaged, nothing configured by the kernel, ping and HTTP through the CLAT', async () => {
    const nm = networkManagerOf(lab);
    const etcBefore = filesUnder(nm.dirs.etc);
    await upBesideNetworkManager();
    await pingServer(lab);
    await downloadFile(lab);

    expect(await nm.deviceStates()).toEqual(new Map([['uplink', 'connected'], ['lo', 'connected (externally)'], [tun, 'unmanaged']]));
    expect(await kernelMadeOnUplink(lab)).toEqual([]);
    expect((await lab.exec('host', ['sysctl', '-n', 'net.ipv6.conf.uplink.accept_ra'])).stdout.trim()).toBe('0');
    // No profile for the TUN, nothing under /etc.
    expect(filesUnder(nm.dirs.etc)).toBe(etcBefore);
    expect(readdirSync(join(nm.dirs.run, 'system-connections')).filter((name) => name.startsWith(tun))).toEqual([]);
  }, 60_000);

  it('down: the host and NetworkManager are as they were', async () => {
    expect(await engine!.down()).toEqual({ state: 'off', mode: 'manual' });
    expect(await hostSnapshot(lab)).toBe(pristineHost);
    expect(await networkManagerSnapshot(lab)).toBe(pristineNetworkManager);
  }, 30_000);

  it('kill -9 and a restart: the host and NetworkManager are as they were', async () => {
    await upBesideNetworkManager();
    await pingServer(lab);
    expect((await engine!.kill()).signal).toBe('SIGKILL');
    engine = await EngineProcess.start(lab, { dir: dir!, delivery });
    expect(await engine.status()).toEqual({ state: 'off', mode: 'manual' });
    expect(await hostSnapshot(lab)).toBe(pristineHost);
    expect(await networkManagerSnapshot(lab)).toBe(pristineNetworkManager);
    expect(await networkManagerOf(lab).deviceStates()).toEqual(new Map([['uplink', 'connected'], ['lo', 'connected (externally)']]));
  }, 60_000);

  it("follows NetworkManager's connection going down and up, without a restart", async () => {
    const nm = networkManagerOf(lab);
    await upBesideNetworkManager();
    const enginePid = engine!.process.pid;
    const tunIfindexBefore = (await lab.exec('host', ['cat', `/sys/class/net/${tun}/ifindex`])).stdout.trim();
    await nm.nmcli(['connection', 'down', nm.connection]);
    // NetworkManager removes its address and routes; then brings them back (the same stable-privacy address).
    await nm.nmcli(['connection', 'up', nm.connection], { timeoutMs: 60_000 });
    expect((await nm.deviceStates()).get('uplink')).toBe('connected');
    await engine!.waitForStatus(runningWith(firstPrefix, 'ra'), 'running again after the connection came back', 30_000);
    await pingServer(lab);
    await downloadFile(lab);
    expect(engine!.process.pid).toBe(enginePid);
    expect(engine!.process.exit).toBeNull();
    expect(await kernelMadeOnUplink(lab)).toEqual([]);
    // The engine made a new TUN when the uplink came back (a new device for NetworkManager), and
    // must have marked that one too.
    expect((await lab.exec('host', ['cat', `/sys/class/net/${tun}/ifindex`])).stdout.trim()).not.toBe(tunIfindexBefore);
    expect((await nm.deviceStates()).get(tun)).toBe('unmanaged');
    await engine!.down();
    expect(await hostSnapshot(lab)).toBe(pristineHost);
  }, 90_000);

  describe('a second CLAT on the host', () => {
    const other = 'othclat';

    it('is found (a TUN holding 192.0.0.1), and `up` refuses, naming it', async () => {
      await lab.exec('host', ['ip', 'tuntap', 'add', other, 'mode', 'tun']);
      try {
        await lab.exec('host', ['ip', 'address', 'add', '192.0.0.1/32', 'dev', other]);
        await lab.exec('host', ['ip', 'link', 'set', other, 'up']);
        // NetworkManager 1.42 has no ipv4.clat: asked anyway, it is no finding and no error.
        const found = await callInHost<OtherClat[]>(lab, 'core/host/other-clats.js', `m.findOtherClats(${JSON.stringify(tun)})`);
        expect(found).toEqual([{ kind: 'address', name: `a TUN ${other} holding 192.0.0.1`, interface: other, address: '192.0.0.1' }]);

        const up = await engine!.cli(['up']);
        if (up.code === 0) await engine!.down();
        expect(up.code).not.toBe(0);
        expect(up.stderr).toMatch(new RegExp(`a TUN ${other} holding 192\\.0\\.0\\.1`));
        expect(await engine!.status()).toMatchObject({ state: 'off' });
      } finally {
        await lab.exec('host', ['ip', 'tuntap', 'del', other, 'mode', 'tun'], { check: false });
      }
    }, 60_000);
  });
});

// The namespace lab itself, before any CLAT runs in it: every peer is checked by what arrives at the
// other end (addresses the kernel configured, DNS answers, bytes and their hash, echoed datagrams,
// RAs on the wire). Needs root; `npm test` installs the Debian packages (scripts/ensure-test-tools.sh).

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, destroyLeftoverLabs, type Lab } from '../../core/lab/lab.js';
import { LabProcess } from '../../core/lab/lab-process.js';
import { pollUntil } from '../../core/lab/poll.js';
import { digShort, httpGet, udpExchange } from '../../core/lab/probes.js';
import { captureRouterAdvertisements, type CapturedRa } from './router-advertisements.js';
import { processesMentioning, running } from '../processes.js';

const isRoot = process.getuid?.() === 0;

function namespaces(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter((name) => name !== '');
}

const fe80one = Uint8Array.of(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
const pref64Type = 38;

function pref64Options(ras: readonly CapturedRa[]): Uint8Array[] {
  return ras.flatMap((ra) => ra.options.filter((option) => option.type === pref64Type).map((option) => option.bytes));
}

/** RFC 8781 §4, written out: type 38, length 2, scaled lifetime << 3 | PLC, 96 bits of prefix. */
function expectedPref64(scaledLifetime: number, plc: number, prefixBytes: readonly number[]): Uint8Array {
  const word = (scaledLifetime << 3) | plc;
  return Uint8Array.of(38, 2, word >> 8, word & 0xff, ...prefixBytes);
}

const primaryPrefixBytes = [0x20, 0x01, 0x0d, 0xb8, 0x00, 0x64, 0, 0, 0, 0, 0, 0];
const secondPrefixBytes = [0x20, 0x01, 0x0d, 0xb8, 0x64, 0x64, 0, 0, 0, 0, 0, 0];

describe.skipIf(!isRoot)('namespace lab', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await createLab();
    process.stderr.write(`lab ${lab.id}: created in ${Math.round(lab.createdInMs)} ms\n`);
  }, 60_000);

  afterAll(async () => {
    await lab?.destroy();
  });

  it('gives the host an IPv6-only uplink configured by SLAAC from the router', async () => {
    const address = await pollUntil(() => lab.hostAddress(), { timeoutMs: 10_000, what: 'the SLAAC address' });
    // EUI-64 (RFC 4291 App. A) of the uplink's fixed MAC 02:c1:a7:00:00:02 under the advertised /64.
    expect(address).toBe('2001:db8:1:2:c1:a7ff:fe00:2');
    expect(lab.host.address).toBe(address);

    const addresses = JSON.parse((await lab.exec('host', ['ip', '-j', 'address', 'show', 'dev', 'uplink'])).stdout) as {
      addr_info: { family: string; local: string; scope: string; dynamic?: boolean }[];
    }[];
    const global = addresses[0].addr_info.filter((a) => a.scope === 'global');
    expect(global).toEqual([expect.objectContaining({ family: 'inet6', local: address, dynamic: true })]);

    const defaultRoute = (await lab.exec('host', ['ip', '-6', 'route', 'show', 'default'])).stdout;
    expect(defaultRoute).toMatch(/^default via fe80::1 dev uplink proto ra /);
    // No IPv4 anywhere but loopback.
    expect((await lab.exec('host', ['ip', '-4', 'address', 'show', 'dev', 'uplink'])).stdout).toBe('');
    expect((await lab.exec('host', ['ip', '-4', 'route', 'show', 'table', 'main'])).stdout).toBe('');
    // `ip netns exec` mounted the lab's resolv.conf.
    expect((await lab.exec('host', ['cat', '/etc/resolv.conf'])).stdout).toMatch(/^nameserver 2001:db8:1:2::1$/m);
  });

  it('answers DNS64 from the router: ipv4only.arpa and the server, through resolv.conf too', async () => {
    const ipv4only = await digShort(lab, 'host', 'AAAA', 'ipv4only.arpa', lab.isp.dns.ipv6);
    expect(ipv4only.sort()).toEqual(['2001:db8:64::c000:aa', '2001:db8:64::c000:ab']);
    expect(await digShort(lab, 'host', 'AAAA', 'server.example')).toEqual(['2001:db8:64::cb00:710a']);
    expect(await digShort(lab, 'host', 'A', 'server.example')).toEqual(['203.0.113.10']);
  });

  it('answers A queries on its IPv4 address, from the IPv4 world and through the NAT64', async () => {
    expect(await digShort(lab, 'server', 'A', 'server.example', lab.isp.dns.ipv4)).toEqual(['203.0.113.10']);
    expect((await digShort(lab, 'server', 'A', 'ipv4only.arpa', lab.isp.dns.ipv4)).sort()).toEqual(['192.0.0.170', '192.0.0.171']);
    // The way a CLAT's IPv4 query will take: through the NAT64 to 198.51.100.53 (c633:6435).
    expect(await digShort(lab, 'host', 'A', 'server.example', '2001:db8:64::c633:6435')).toEqual(['203.0.113.10']);
  });

  it('keeps the server IPv4-only', async () => {
    expect((await lab.exec('server', ['ip', '-6', 'address', 'show'])).stdout).toBe('');
    expect((await lab.exec('server', ['ip', '-4', 'route', 'show', 'default'])).stdout).toMatch(/^default via 203\.0\.113\.1 dev eth0/);
  });

  it('serves the file to the IPv6-only host through either NAT64 (tayga + nftables, no CLAT)', async () => {
    expect(lab.server.viaNat64).toEqual(['2001:db8:64::cb00:710a', '2001:db8:6464::cb00:710a']);
    for (const address of lab.server.viaNat64) {
      const response = await httpGet(lab, 'host', `http://[${address}]/file`);
      expect(response.status).toBe(200);
      expect(response.body.length).toBe(lab.server.http.sizeBytes);
      expect(response.sha256).toBe(lab.server.http.sha256);
    }
    // The server saw the router's masquerading address, not tayga's pool.
    const http = lab.daemons.find((daemon) => daemon.name === 'http');
    expect(http?.output).toMatch(/^203\.0\.113\.1 - - .*"GET \/file HTTP\/1\.1" 200/m);
  });

  it('echoes UDP through the NAT64', async () => {
    const payload = Uint8Array.from({ length: 200 }, (_, i) => (i * 7 + 3) & 0xff);
    for (const address of lab.server.viaNat64) {
      const reply = await udpExchange(lab, 'host', address, lab.server.udpEchoPort, payload);
      expect(new Uint8Array(reply)).toEqual(payload);
    }
  });

  it('measures with iperf3 through the NAT64', async () => {
    const { stdout } = await lab.exec('host', ['iperf3', '--client', lab.server.viaNat64[0], '--port', String(lab.server.iperf3Port), '--time', '1', '--json']);
    const report = JSON.parse(stdout) as { end: { sum_received: { bytes: number } } };
    expect(report.end.sum_received.bytes).toBeGreaterThan(0);
  });

  it('answers iperf3 at an address inside the NAT64 prefix on the router itself, before tayga', async () => {
    const { stdout } = await lab.exec('host', ['iperf3', '--client', lab.isp.clatOnly.ipv6, '--port', String(lab.isp.clatOnly.iperf3Port), '--time', '1', '--json']);
    const report = JSON.parse(stdout) as { end: { sum_received: { bytes: number } } };
    expect(report.end.sum_received.bytes).toBeGreaterThan(0);
    // The router's own address: the route lookup ends in the local table, not at the NAT64's TUN.
    const route = await lab.exec('isp', ['ip', '-6', 'route', 'get', lab.isp.clatOnly.ipv6]);
    expect(route.stdout).toMatch(/^local 2001:db8:64::c633:640a .*dev lo /);
  });

  it('announces PREF64 (RFC 8781) from fe80::1, changes and stops it', async () => {
    const fast = { intervalMs: 400, lifetimeSeconds: 24 };
    const first = await captureRouterAdvertisements(lab, 1_000, () => lab.pref64.set('2001:db8:64::/96', fast));
    const withPref64 = first.ras.filter((ra) => ra.options.some((option) => option.type === pref64Type));
    // The one sent at once, then one every 400 ms.
    expect(withPref64.length).toBeGreaterThanOrEqual(3);
    for (const ra of withPref64) {
      expect(ra.sourceAddress).toEqual(fe80one);
      expect(ra.hopLimit).toBe(255);
      // radvd's router lifetime, not 0: the host must keep its default route via fe80::1.
      expect(ra.routerLifetimeSeconds).toBe(1800);
    }
    // 24 s = scaled lifetime 3; PLC 0 = /96.
    for (const option of pref64Options(withPref64)) expect(option).toEqual(expectedPref64(3, 0, primaryPrefixBytes));
    // Wireshark reads the same.
    const fields = execFileSync(
      'tshark',
      ['-r', first.pcapPath, '-Y', 'icmpv6.opt.type == 38', '-T', 'fields', '-E', 'separator=|', '-e', 'ipv6.src', '-e', 'icmpv6.opt.pref64.scaled_lifetime', '-e', 'icmpv6.opt.pref64.plc', '-e', 'icmpv6.opt.pref64.prefix'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const decoded = new Set(fields.split('\n').filter((line) => line !== ''));
    expect([...decoded]).toEqual(['fe80::1|3|0x0000|2001:db8:64::']);
    expect((await lab.exec('host', ['ip', '-6', 'route', 'show', 'default'])).stdout).toMatch(/^default via fe80::1 dev uplink proto ra /);

    // "Prefix changed": from the next RA on, only the second prefix.
    const changed = await captureRouterAdvertisements(lab, 1_000, () => lab.pref64.set('2001:db8:6464::/96', fast));
    const changedOptions = pref64Options(changed.ras);
    expect(changedOptions.length).toBeGreaterThanOrEqual(2);
    expect(changedOptions.at(-1)).toEqual(expectedPref64(3, 0, secondPrefixBytes));
    expect(lab.pref64.current).toEqual({ prefix: '2001:db8:6464::/96', ...fast });

    // A prefix RFC 8781 cannot carry is refused; the announcement goes on unchanged.
    await expect(lab.pref64.set('2001:db8:64::/60')).rejects.toThrow(/prefix lengths 32, 40, 48, 56, 64 and 96/);
    expect(lab.pref64.current?.prefix).toBe('2001:db8:6464::/96');

    // "PREF64 off": radvd's RAs go on, without PREF64.
    await lab.pref64.set(null);
    expect(lab.pref64.current).toBeNull();
    const off = await captureRouterAdvertisements(lab, 1_200);
    expect(pref64Options(off.ras)).toEqual([]);

    await lab.pref64.set(lab.isp.nat64[0].prefix);
  });

  it('takes the uplink away and brings it back (carrier loss, then interface down)', async () => {
    await lab.uplinkDown();
    const link = (await lab.exec('host', ['ip', '-j', 'link', 'show', 'dev', 'uplink'])).stdout;
    expect((JSON.parse(link) as { flags: string[] }[])[0].flags).toContain('NO-CARRIER');
    // The kernel flags the default route "linkdown" once it has processed the carrier loss.
    await pollUntil(async () => ((await lab.hostAddress()) === null ? true : null), { timeoutMs: 5_000, what: 'the route to go linkdown' });
    await lab.uplinkUp();
    expect(await lab.hostAddress()).toBe(lab.host.address);

    await lab.uplinkDown('admin');
    expect((await lab.exec('host', ['ip', '-6', 'address', 'show', 'dev', 'uplink', 'scope', 'global'])).stdout).toBe('');
    await lab.uplinkUp();
    expect(await lab.hostAddress()).toBe(lab.host.address);
    // And the way through the NAT64 works again.
    expect((await httpGet(lab, 'host', `http://[${lab.server.viaNat64[0]}]/file`)).sha256).toBe(lab.server.http.sha256);
  });

  it('destroy removes its namespaces, processes and files, and can be called again', async () => {
    const pids = [...lab.daemons.map((daemon) => daemon.pid), lab.spawn('isp', ['sleep', '600']).pid];
    await lab.destroy();
    await lab.destroy();
    expect(namespaces().filter((ns) => ns.startsWith(`${lab.id}-`))).toEqual([]);
    expect(pids.filter(running)).toEqual([]);
    expect(processesMentioning(lab.tempDir)).toEqual([]);
    expect(existsSync(lab.tempDir)).toBe(false);
    expect(existsSync(`/etc/netns/${lab.namespaces.host}`)).toBe(false);
    await expect(lab.exec('host', ['true'])).rejects.toThrow(/destroyed/);
  });
});

describe.skipIf(!isRoot)('destroyLeftoverLabs', () => {
  it("removes a crashed run's namespaces, processes and files, and leaves live labs alone", async () => {
    // A pid that certainly ran and is gone now stands for the crashed run's process.
    const deadPid = spawnSync('true').pid as number;
    const id = `clt-${deadPid}-1`;
    const live = `clt-${process.pid}-999`;
    for (const ns of [`${id}-host`, `${id}-isp`, `${live}-isp`]) execFileSync('ip', ['netns', 'add', ns]);
    mkdirSync(`/etc/netns/${id}-host`, { recursive: true });
    writeFileSync(`/etc/netns/${id}-host/resolv.conf`, 'nameserver 2001:db8:1:2::1\n');
    const tempDir = mkdtempSync(join(tmpdir(), `clatter-lab-${id}-`));
    const orphan = new LabProcess(`${id}-isp`, ['sleep', '600'], { name: 'orphan' });
    await pollUntil(async () => (running(orphan.pid) ? true : null), { timeoutMs: 5_000, what: 'the orphan' });
    try {
      expect(destroyLeftoverLabs()).toContain(id);
      expect(namespaces().filter((ns) => ns.startsWith(`${id}-`))).toEqual([]);
      expect(namespaces()).toContain(`${live}-isp`);
      expect((await orphan.exited).signal).toBe('SIGTERM');
      expect(existsSync(`/etc/netns/${id}-host`)).toBe(false);
      expect(existsSync(tempDir)).toBe(false);
    } finally {
      await orphan.stop();
      for (const ns of [`${id}-host`, `${id}-isp`, `${live}-isp`]) spawnSync('ip', ['netns', 'del', ns]);
    }
  });
});

describe.skipIf(!isRoot)('createLab failing', () => {
  it('removes the half-built lab and says why', async () => {
    // The PREF64 sender refuses a /60 as the last step, once everything else runs.
    await expect(createLab({ pref64: '2001:db8:64::/60' })).rejects.toThrow(/PREF64 sender refused/);
    expect(namespaces().filter((ns) => ns.startsWith(`clt-${process.pid}-`))).toEqual([]);
    expect(readdirSync(tmpdir()).filter((entry) => entry.startsWith(`clatter-lab-clt-${process.pid}-`))).toEqual([]);
    expect(processesMentioning(`clatter-lab-clt-${process.pid}-`)).toEqual([]);
  });
});

// The reference CLAT of `npm run bench:lab`: tayga set up in the lab's host namespace the way clatd
// sets it up (clatd(8), github.com/toreanderson/clatd), so that Clatter is compared with what a
// Linux user runs today:
//
//   tayga.conf: tun-device, ipv4-addr 192.0.0.2, prefix <NAT64 prefix>, map 192.0.0.1 <CLAT IPv6>
//   the CLAT IPv6 address: the host's EUI-64 SLAAC address with ff:fe replaced by c1:a7 (clatd's rule)
//   accept_ra 1 → 2 and IPv6 forwarding on (tayga's IPv6 packets are forwarded out of the uplink)
//   proxy_ndp on the uplink and a proxy entry for the CLAT IPv6 address
//   `tayga --mktun`; the TUN up with 192.0.0.1, a route of the CLAT IPv6 address into it, an IPv4
//   default route through it; then `tayga --nodetach`
//
// One difference from clatd on purpose: the IPv4 default route gets the MTU and MSS our engine uses
// (uplink MTU − 28), not clatd's default 1260, so that both CLATs carry the same TCP segments.
//
// Lifecycle: start() → running → stop(), which undoes every step and checks that the namespace is
// as before (no TUN, no IPv4 default route, no proxy entry, the sysctls' old values). All of it runs
// inside the lab's host namespace.

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clatIpv4, clatMtuOverheadBytes, clatTranslatorIpv4 } from '../../core/host/host-setup.js';
import type { Lab } from '../../core/lab/lab.js';
import type { LabProcess } from '../../core/lab/lab-process.js';
import { pollUntil } from '../../core/lab/poll.js';
import { formatIpv6, parseIpv6 } from '../../core/wire/address.js';

export const taygaClatTun = 'tayga-clat';

/** clatd's CLAT address: in an EUI-64 address, the ff:fe in the middle of the interface ID becomes c1:a7. */
export function clatdAddress(eui64Address: string): string {
  const bytes = parseIpv6(eui64Address);
  if (bytes === undefined || bytes[11] !== 0xff || bytes[12] !== 0xfe) throw new Error(`tayga-clat: ${eui64Address} is not an EUI-64 address`);
  bytes[11] = 0xc1;
  bytes[12] = 0xa7;
  return formatIpv6(bytes);
}

export class TaygaClat {
  private tayga: LabProcess | null = null;
  private readonly savedSysctls = new Map<string, string>();
  private readonly configPath: string;
  private readonly uplink: string;
  readonly clatIpv6: string;

  constructor(private readonly lab: Lab) {
    this.configPath = join(lab.tempDir, 'tayga-clat.conf');
    this.uplink = lab.host.uplink;
    this.clatIpv6 = clatdAddress(lab.host.address);
  }

  /** tayga's pid while it runs. */
  get pid(): number {
    if (this.tayga === null) throw new Error('tayga-clat is not running');
    return this.tayga.pid;
  }

  async start(): Promise<void> {
    const { lab, uplink, clatIpv6 } = this;
    const prefix = lab.isp.nat64[0].prefix;
    const config = [`tun-device ${taygaClatTun}`, `ipv4-addr ${clatTranslatorIpv4}`, `prefix ${prefix}`, `map ${clatIpv4} ${clatIpv6}`, ''].join('\n');
    writeFileSync(this.configPath, config, { mode: 0o644 });

    // As clatd: accept_ra 1 → 2 wherever it is 1 (the lab's uplink already has 2), then forwarding.
    for (const key of await this.acceptRaKeys()) {
      if ((await this.readSysctl(key)) === '1') await this.setSysctl(key, '2');
    }
    await this.setSysctl('net.ipv6.conf.all.forwarding', '1');
    await this.setSysctl(`net.ipv6.conf.${uplink}.proxy_ndp`, '1');
    await lab.exec('host', ['ip', '-6', 'neighbour', 'add', 'proxy', clatIpv6, 'dev', uplink]);

    await lab.exec('host', ['tayga', '--config', this.configPath, '--mktun']);
    const mtu4 = (await this.uplinkMtu()) - clatMtuOverheadBytes;
    await lab.exec('host', ['ip', 'link', 'set', 'up', 'dev', taygaClatTun]);
    await lab.exec('host', ['ip', '-4', 'address', 'add', clatIpv4, 'dev', taygaClatTun]);
    await lab.exec('host', ['ip', '-6', 'route', 'add', clatIpv6, 'dev', taygaClatTun]);
    await lab.exec('host', ['ip', '-4', 'route', 'add', 'default', 'dev', taygaClatTun, 'mtu', String(mtu4), 'advmss', String(mtu4 - 40)]);

    this.tayga = lab.spawn('host', ['tayga', '--config', this.configPath, '--nodetach'], { name: 'tayga-clat' });
    const tayga = this.tayga;
    await pollUntil(async () => ((await this.tunHasCarrier()) ? true : null), {
      timeoutMs: 5000,
      what: `tayga to open ${taygaClatTun}`,
      abortIf: () => {
        if (tayga.exit !== null) throw new Error(`tayga-clat exited: ${tayga.tail()}`);
      },
    });
  }

  /** Undoes start() step by step, as far as it got, and checks nothing is left. */
  async stop(): Promise<void> {
    const { lab, uplink, clatIpv6 } = this;
    const problems: string[] = [];
    if (this.tayga !== null) {
      const exit = await this.tayga.stop();
      if (exit.signal === 'SIGKILL') problems.push('tayga needed SIGKILL');
      this.tayga = null;
    }
    // Deleting the persistent TUN takes its address and both routes with it.
    if (await this.tunExists()) await lab.exec('host', ['tayga', '--config', this.configPath, '--rmtun'], { check: false });
    await lab.exec('host', ['ip', '-6', 'neighbour', 'del', 'proxy', clatIpv6, 'dev', uplink], { check: false });
    for (const [key, value] of [...this.savedSysctls].reverse()) await lab.exec('host', ['sysctl', '-q', '-w', `${key}=${value}`], { check: false });
    rmSync(this.configPath, { force: true });

    if (await this.tunExists()) problems.push(`${taygaClatTun} still exists`);
    const defaults = await lab.exec('host', ['ip', '-4', 'route', 'show', 'default']);
    if (defaults.stdout.trim() !== '') problems.push(`IPv4 default route left: ${defaults.stdout.trim()}`);
    const proxies = await lab.exec('host', ['ip', '-6', 'neighbour', 'show', 'proxy']);
    if (proxies.stdout.includes(clatIpv6)) problems.push(`proxy entry left: ${proxies.stdout.trim()}`);
    for (const [key, value] of this.savedSysctls) {
      const now = await this.readSysctl(key);
      if (now !== value) problems.push(`${key} is ${now}, was ${value}`);
    }
    this.savedSysctls.clear();
    if (problems.length > 0) throw new Error(`tayga-clat: cleanup incomplete: ${problems.join('; ')}`);
  }

  private async readSysctl(key: string): Promise<string> {
    return (await this.lab.exec('host', ['sysctl', '-n', key])).stdout.trim();
  }

  /** Sets `key` in the host namespace, remembering the first old value for stop(). */
  private async setSysctl(key: string, value: string): Promise<void> {
    const previous = await this.readSysctl(key);
    if (previous === value) return;
    if (!this.savedSysctls.has(key)) this.savedSysctls.set(key, previous);
    await this.lab.exec('host', ['sysctl', '-q', '-w', `${key}=${value}`]);
  }

  /** accept_ra of every interface of the host namespace but "all" (as clatd). */
  private async acceptRaKeys(): Promise<string[]> {
    const run = await this.lab.exec('host', ['sysctl', '-a', '-N', '-r', '^net\\.ipv6\\.conf\\.[^.]+\\.accept_ra$']);
    return run.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((key) => key !== '' && key !== 'net.ipv6.conf.all.accept_ra');
  }

  private async uplinkMtu(): Promise<number> {
    const run = await this.lab.exec('host', ['ip', '-j', 'link', 'show', 'dev', this.uplink]);
    const [link] = JSON.parse(run.stdout) as { mtu: number }[];
    return link.mtu;
  }

  private async tunExists(): Promise<boolean> {
    const run = await this.lab.exec('host', ['ip', 'link', 'show', 'dev', taygaClatTun], { check: false });
    return run.code === 0;
  }

  private async tunHasCarrier(): Promise<boolean> {
    const run = await this.lab.exec('host', ['ip', '-j', 'link', 'show', 'dev', taygaClatTun]);
    const [link] = JSON.parse(run.stdout) as { flags: string[] }[];
    return link.flags.includes('LOWER_UP');
  }
}

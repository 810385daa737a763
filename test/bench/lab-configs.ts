// The three ways `npm run bench:lab` sends IPv4-meant traffic from the lab's host namespace to the
// IPv4-only server, measured in turn each round:
//
//   clatter      our engine as the CLAT (`clatter up`); IPv4 to 203.0.113.10
//   clatter-baseline  the same with another build's engine (`--baseline DIR`), to compare builds
//   clatter-docker-fw  the same behind the rules Docker 27 leaves on a desktop (ip6tables and
//                iptables FORWARD policy DROP, core/lab/firewalls/docker.ts): ingress delivery
//                passes them by, so its figures should be clatter's
//   tayga-clat   tayga as the CLAT, set up as clatd does (lab-tayga-clat.ts); IPv4 to 203.0.113.10
//   ipv6-native  no CLAT: IPv6 straight to the server's NAT64 address (the PLAT's tayga still
//                translates); what the traffic costs without any CLAT
//
// Each also has a second target with no NAT64 on the way (the lab's `isp.clatOnly`: an iperf3 on
// the router at an address inside the NAT64 prefix): there the CLAT alone is measured, where
// through the NAT64 the operator's tayga caps every configuration at about the same rate.
//
// Only one CLAT exists at a time: each start() first checks that the host namespace has no CLAT
// TUN and no IPv4 default route, and each stop() removes its CLAT entirely.

import type { Lab } from '../../core/lab/lab.js';
import type { TurnEngine } from './lab-engine.js';
import { docker } from '../../core/lab/firewalls/docker.js';
import type { LoadedFirewall } from '../../core/lab/firewalls/firewall.js';
import { TaygaClat, taygaClatTun } from './lab-tayga-clat.js';

export const configNames = ['clatter', 'clatter-baseline', 'clatter-docker-fw', 'tayga-clat', 'ipv6-native'] as const;
export type ConfigName = (typeof configNames)[number];

export interface BenchConfig {
  readonly name: ConfigName;
  /** Where iperf3 and ping go. */
  readonly target: string;
  /** Where iperf3 goes to measure without the NAT64 (IPv4 through the CLAT, or IPv6 for ipv6-native). */
  readonly clatOnlyTarget: string;
  /** Measure the CLAT process's CPU while idle (our engine only). */
  readonly measuresIdle: boolean;
  /** Sets the configuration up; resolves to the pid of its CLAT process, or null when it has none. */
  start(): Promise<number | null>;
  /** Removes all of it again. */
  stop(): Promise<void>;
}

/** Throws if a CLAT is still there: a TUN of either CLAT, or an IPv4 default route. */
async function assertNoClat(lab: Lab, engineTun: string): Promise<void> {
  for (const tun of [engineTun, taygaClatTun]) {
    const link = await lab.exec('host', ['ip', 'link', 'show', 'dev', tun], { check: false });
    if (link.code === 0) throw new Error(`${tun} exists before the next configuration starts`);
  }
  const defaults = await lab.exec('host', ['ip', '-4', 'route', 'show', 'default']);
  if (defaults.stdout.trim() !== '') throw new Error(`an IPv4 default route exists before the next configuration starts: ${defaults.stdout.trim()}`);
}

const engineTun = 'clat';

function engineConfig(lab: Lab, name: 'clatter' | 'clatter-baseline', engine: TurnEngine): BenchConfig {
  let tun = engineTun;
  return {
    name,
    target: lab.server.ipv4,
    clatOnlyTarget: lab.isp.clatOnly.ipv4,
    measuresIdle: true,
    async start() {
      await assertNoClat(lab, engineTun);
      tun = (await engine.up()).tun;
      return engine.pid;
    },
    stop: () => engine.down(tun),
  };
}

/** `baseline`: another build's engine; clatter-baseline is there only with it. */
export function benchConfigs(lab: Lab, engine: TurnEngine, baseline: TurnEngine | null): Partial<Record<ConfigName, BenchConfig>> {
  let clatterTun = engineTun;
  let tayga: TaygaClat | null = null;
  let firewall: LoadedFirewall | null = null;
  return {
    clatter: engineConfig(lab, 'clatter', engine),
    ...(baseline === null ? {} : { 'clatter-baseline': engineConfig(lab, 'clatter-baseline', baseline) }),
    'clatter-docker-fw': {
      name: 'clatter-docker-fw',
      target: lab.server.ipv4,
      clatOnlyTarget: lab.isp.clatOnly.ipv4,
      measuresIdle: false,
      async start() {
        await assertNoClat(lab, engineTun);
        firewall = await docker.load(lab);
        clatterTun = (await engine.up()).tun;
        return engine.pid;
      },
      async stop() {
        await engine.down(clatterTun);
        const loaded = firewall;
        firewall = null;
        await loaded?.remove();
      },
    },
    'tayga-clat': {
      name: 'tayga-clat',
      target: lab.server.ipv4,
      clatOnlyTarget: lab.isp.clatOnly.ipv4,
      measuresIdle: false,
      async start() {
        await assertNoClat(lab, engineTun);
        tayga = new TaygaClat(lab);
        await tayga.start();
        return tayga.pid;
      },
      async stop() {
        const stopping = tayga;
        tayga = null;
        await stopping?.stop();
      },
    },
    'ipv6-native': {
      name: 'ipv6-native',
      target: lab.server.viaNat64[0],
      clatOnlyTarget: lab.isp.clatOnly.ipv6,
      measuresIdle: false,
      async start() {
        await assertNoClat(lab, engineTun);
        return null;
      },
      stop: async () => {},
    },
  };
}

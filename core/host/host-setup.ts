// Setting the host up for the CLAT, every step journaled before it is taken (journal.ts):
//
//   uplink (SLAAC /64)                         TUN "clat" (one device, both families)
//   ─ CLAT IPv6 address: DAD probed, then      ─ 192.0.0.1/32 (RFC 7335), link up, MTU = uplink MTU
//     answered for by the kernel               ─ IPv4 default route, MTU = the uplink's IPv6 MTU
//                                                (the RA's when it announces one) − 28, advmss − 40
//   ─ its packets delivered to the TUN and back as the delivery mode says
//
// Delivery "ingress" (the default where nftables is): the CLAT's IPv6 packets move between the
// uplink and the TUN at the two devices' ingress hooks (ingress-ruleset.ts), so they cross no
// firewall's forward hook and need no forwarding sysctl; the address is an anycast address of the
// uplink (held by the engine's socket, datapath.ts), so the kernel answers neighbour solicitations
// without router mode, and an uplink managed by NetworkManager keeps its accept_ra as it was.
//
// Delivery "force-forwarding" (kernels ≥ 6.17): the kernel forwards IPv6 packets for the CLAT
// address from the uplink into the TUN, and the translated IPv6 packets the engine writes into the
// TUN out of the uplink, with forwarding enabled on those two interfaces only (never globally).
// Proxy NDP needs the uplink in router mode (its own `forwarding` flag), and router mode makes the
// kernel ignore Router Advertisements there unless accept_ra is 2, so SLAAC and PREF64 keep working
// only with accept_ra=2 (set first); every old value comes back on stop. The IPv4 route MTU leaves room for the IPv6 header (+20) and a Fragment header (+8).

import type { DeliveryMode } from '../api/status.js';
import { formatIpv6, parseIpv6 } from '../wire/address.js';
import { clatAddressCandidate } from './clat-address.js';
import { ingressRuleset, ingressTable } from './ingress-ruleset.js';
import { ipv6AddressState, type Found, type Uplink } from './host-inspect.js';
import { nativeIpv4DefaultRoutes } from './native-ipv4.js';
import type { HostJournal } from './journal.js';
import { runCommand } from './run-command.js';
import { readSysctl, sysctlKey, writeSysctl } from './sysctl.js';

export const clatIpv4 = '192.0.0.1';
/** Source of the ICMPv4 errors the CLAT sends to host programs (RFC 7335 range). */
export const clatTranslatorIpv4 = '192.0.0.2';
/** IPv6 header growth (20) plus a possible Fragment header (8). */
export const clatMtuOverheadBytes = 28;
/**
 * Metric of the CLAT's IPv4 default route on a host without native IPv4: above the ones DHCP
 * clients give theirs (ifupdown/dhclient 0, NetworkManager 100 and up, systemd-networkd 1024), so
 * that native IPv4 arriving while the CLAT runs can still add its default route (one of the same
 * metric is refused, "File exists") and is preferred to the CLAT (RFC 6877 §6.3).
 */
export const clatIpv4RouteMetric = 2048;

export interface TunPlan {
  readonly uplink: Uplink;
  readonly tun: string;
  readonly clatIpv6: string;
  /** Add the IPv4 default route through the TUN. */
  readonly ipv4DefaultRoute: boolean;
  readonly delivery: DeliveryMode;
  /** Ingress delivery: the uplink's next hop towards the NAT64 prefix; null: on the link. */
  readonly nextHop: string | null;
}

/** The nftables table of each delivery mode that has rules (one rule set, removed whole). */
export const nftTable = 'clatter';

const dadTimeoutMs = 4000;
const dadPollMs = 100;
const maxDadAttempts = 5;

/** True when this kernel has per-interface IPv6 forwarding (Linux 6.17+). */
export function hasForceForwarding(uplink: string): boolean {
  return readSysctl(sysctlKey('net', 'ipv6', 'conf', uplink, 'force_forwarding')).ok;
}

/**
 * True when ingress delivery's rules would load: `nft` is installed and the kernel has the netdev
 * family and its `fwd` statement (Linux 4.19+, nft_fwd_netdev). Asked with `nft --check`, which has
 * the kernel validate a rule set without committing it: nothing is changed.
 */
export async function supportsIngressDelivery(): Promise<boolean> {
  const probe = [
    'table netdev clatter_probe {',
    '  chain probe {',
    '    type filter hook ingress device "lo" priority -500; policy accept;',
    '    ip6 daddr ::1 fwd ip6 to ::1 device "lo"',
    '  }',
    '}',
  ].join('\n');
  return (await runCommand('nft', ['--check', '-f', '-'], 10_000, probe)).ok;
}

export class HostSetup {
  /**
   * The nftables tables loaded since the last undo, by `family name`, with their text: a firewall
   * that loads its rule set after a `flush ruleset` (Debian's /etc/nftables.conf, a hand-written
   * script) takes them along, and restoreMissingTables() puts them back.
   */
  private readonly loadedTables = new Map<string, { readonly ruleset: string; readonly what: string; readonly family: 'ip6' | 'netdev' }>();

  /**
   * The CLAT address proved unique by DAD since the last undo(), per uplink and /64: the engine
   * proves it while the prefix is still awaited (DAD takes the kernel 1 to 2 s), and the data path
   * that starts when the prefix arrives takes it from here instead of probing again.
   */
  private proved: { readonly key: string; readonly address: string } | null = null;

  constructor(
    private readonly journal: HostJournal,
    private readonly log: (line: string) => void,
  ) {}

  /** Runs `ip args` after journaling how to undo it. */
  private async ip(args: string[], undo: string[], what: string): Promise<Found<void>> {
    this.journal.record({ kind: 'ip', undo, what });
    const result = await runCommand('ip', args);
    return result.ok ? { ok: true, value: undefined } : { ok: false, error: `${what}: ${result.error}` };
  }

  /** Sets a sysctl after journaling its previous value (no change, no entry). */
  private sysctl(key: string, value: string, what: string): Found<void> {
    const previous = readSysctl(key);
    if (!previous.ok) return { ok: false, error: `${what}: ${previous.error}` };
    if (previous.value === value) return { ok: true, value: undefined };
    this.journal.record({ kind: 'sysctl', key, previous: previous.value, what });
    const written = writeSysctl(key, value);
    return written.ok ? { ok: true, value: undefined } : { ok: false, error: `${what}: ${written.error}` };
  }

  /**
   * Picks the CLAT's IPv6 address in `subnet`, a /64 of the uplink's (clat-subnet.ts), and proves
   * it unused by the kernel's own duplicate address detection (RFC 4862 §5.4): the candidate is
   * added to the uplink, and if DAD fails the next candidate is tried; the probe address is removed
   * again either way, since an address assigned to the host would be delivered to the host instead
   * of to the CLAT. The /64 may be one an RA offered a moment ago, with the kernel's own address
   * there still in DAD: both probes run at once.
   */
  async chooseClatAddress(uplink: Uplink, subnet: string, secret: Uint8Array): Promise<Found<string>> {
    const key = JSON.stringify([uplink.name, uplink.ifindex, clatAddressCandidate(subnet, uplink.name, secret, 0)]);
    if (this.proved?.key === key) return { ok: true, value: this.proved.address };
    for (let counter = 0; counter < maxDadAttempts; counter++) {
      const candidate = clatAddressCandidate(subnet, uplink.name, secret, counter);
      const outcome = await this.probeAddress(uplink.name, candidate);
      if (!outcome.ok) return outcome;
      if (outcome.value === 'unique') {
        this.proved = { key, address: candidate };
        return { ok: true, value: candidate };
      }
      this.log(`CLAT address ${candidate} is in use on ${uplink.name} (DAD failed); trying another`);
    }
    return { ok: false, error: `no free CLAT address found on ${uplink.name} after ${maxDadAttempts} attempts` };
  }

  private async probeAddress(dev: string, address: string): Promise<Found<'unique' | 'duplicate'>> {
    const prefix = `${address}/128`;
    const added = await this.ip(['-6', 'addr', 'add', prefix, 'dev', dev, 'noprefixroute'], ['-6', 'addr', 'del', prefix, 'dev', dev], `DAD probe ${address}`);
    if (!added.ok) return added;
    let state: Awaited<ReturnType<typeof ipv6AddressState>> = 'tentative';
    const deadline = Date.now() + dadTimeoutMs;
    while (Date.now() < deadline) {
      state = await ipv6AddressState(dev, canonical(address));
      if (state !== 'tentative') break;
      await new Promise((resolve) => setTimeout(resolve, dadPollMs));
    }
    const removed = await runCommand('ip', ['-6', 'addr', 'del', prefix, 'dev', dev]);
    if (!removed.ok) return { ok: false, error: `removing DAD probe ${address}: ${removed.error}` };
    if (state === 'tentative') return { ok: false, error: `DAD for ${address} on ${dev} did not finish in ${dadTimeoutMs} ms` };
    return { ok: true, value: state === 'dadfailed' ? 'duplicate' : 'unique' };
  }

  /** Configures the TUN (already created by the engine) and the uplink for the delivery mode. */
  async applyTun(plan: TunPlan): Promise<Found<{ mtu4: number }>> {
    const { uplink, tun } = plan;
    // The IPv6 MTU, not the device's: a router's RA may announce a smaller one (RFC 4861 §4.6.4),
    // and every translated packet must fit it.
    const mtu4 = Math.min(uplink.mtu, uplink.ipv6Mtu) - clatMtuOverheadBytes;
    const steps: (() => Promise<Found<void>> | Found<void>)[] = [
      // No link-local address on the TUN: the kernel would otherwise send router solicitations and
      // MLD reports into it, packets the CLAT can only count as untranslatable.
      () => this.sysctl(sysctlKey('net', 'ipv6', 'conf', tun, 'addr_gen_mode'), '1', `no IPv6 link-local address on ${tun}`),
      () => this.ip(['link', 'set', 'dev', tun, 'mtu', String(uplink.mtu), 'up'], ['link', 'set', 'dev', tun, 'down'], `bring ${tun} up`),
      () => this.ip(['-4', 'addr', 'add', `${clatIpv4}/32`, 'dev', tun], ['-4', 'addr', 'del', `${clatIpv4}/32`, 'dev', tun], `CLAT IPv4 address on ${tun}`),
      ...this.deliverySteps(plan),
    ];
    if (plan.ipv4DefaultRoute) {
      // With native IPv4 here (only with --force) the CLAT's route must win: metric 0, added with
      // `prepend` (NLM_F_CREATE without NLM_F_EXCL), which puts it before a native route of metric 0
      // where `add` would fail with "File exists"; the kernel uses the first of equal routes.
      const native = await nativeIpv4DefaultRoutes(tun);
      const override = native.ok && native.value.length > 0;
      const [verb, metric] = override ? ['prepend', 0] : ['add', clatIpv4RouteMetric];
      steps.push(() =>
        this.ip(
          ['-4', 'route', verb, 'default', 'dev', tun, 'metric', String(metric), 'mtu', String(mtu4), 'advmss', String(mtu4 - 40)],
          ['-4', 'route', 'del', 'default', 'dev', tun],
          `IPv4 default route through ${tun}`,
        ),
      );
    }
    for (const step of steps) {
      const result = await step();
      if (!result.ok) return result;
    }
    return { ok: true, value: { mtu4 } };
  }

  private deliverySteps(plan: TunPlan): (() => Promise<Found<void>> | Found<void>)[] {
    switch (plan.delivery) {
      case 'ingress':
        return [() => this.answerAtOnce(plan.uplink.name), () => this.loadIngressRules(plan)];
      case 'force-forwarding':
        return this.forceForwardingSteps(plan.uplink.name, plan.tun, plan.clatIpv6);
      case 'packet-socket':
        return [() => this.answerAtOnce(plan.uplink.name), ...this.packetSocketSteps(plan.clatIpv6)];
      case 'nat66':
        return this.nat66Steps(plan.uplink.name, plan.tun, plan.clatIpv6);
    }
  }

  /**
   * nat66 delivery: the CLAT's private address is routed into the TUN and the kernel's NAT66
   * (nftables masquerade) puts the host's own address on the translated packets leaving the uplink;
   * conntrack maps the replies back, and force_forwarding lets them through to the TUN.
   */
  private nat66Steps(uplink: string, tun: string, clatIpv6: string): (() => Promise<Found<void>> | Found<void>)[] {
    const conf = (dev: string, key: string) => sysctlKey('net', 'ipv6', 'conf', dev, key);
    const ruleset = [
      `table ip6 ${nftTable} {`,
      '  chain postrouting {',
      '    type nat hook postrouting priority srcnat; policy accept;',
      `    ip6 saddr ${clatIpv6} oifname "${uplink}" masquerade`,
      '  }',
      '}',
    ].join('\n');
    return [
      () => this.ip(['-6', 'route', 'add', `${clatIpv6}/128`, 'dev', tun], ['-6', 'route', 'del', `${clatIpv6}/128`, 'dev', tun], `route to the CLAT IPv6 address`),
      () => this.sysctl(conf(tun, 'force_forwarding'), '1', `IPv6 forwarding from ${tun}`),
      () => this.sysctl(conf(uplink, 'force_forwarding'), '1', `IPv6 forwarding from ${uplink}`),
      () => this.nft(ruleset, `NAT66 of ${clatIpv6} to ${uplink}'s address`),
    ];
  }

  /**
   * The kernel delays its answers to multicast solicitations for proxied and anycast addresses
   * alike by a random time up to proxy_delay (0.8 s by default; RFC 4861 §7.2.7), which the first
   * packet to every new neighbour would wait for; the CLAT address is the host's own: answer at once.
   */
  private answerAtOnce(uplink: string): Found<void> {
    return this.sysctl(sysctlKey('net', 'ipv6', 'neigh', uplink, 'proxy_delay'), '0', 'answer neighbour solicitations for the CLAT at once');
  }

  /**
   * Ingress delivery's rules; loaded again, replacing the table in one transaction, when the next
   * hop changes (a new router on the uplink), with the same journal entry still standing.
   */
  async loadIngressRules(plan: Pick<TunPlan, 'uplink' | 'tun' | 'clatIpv6' | 'nextHop'>, journaled = false): Promise<Found<void>> {
    let ruleset: string;
    try {
      ruleset = ingressRuleset({ uplink: plan.uplink.name, tun: plan.tun, clatIpv6: plan.clatIpv6, nextHop: plan.nextHop });
    } catch (error) {
      // A name nft cannot quote, or a next hop that is not IPv6 (a route `via inet`): not this mode.
      return { ok: false, error: `ingress delivery: ${(error as Error).message}` };
    }
    const what = `move ${plan.clatIpv6}'s packets between ${plan.uplink.name} and ${plan.tun} at ingress (next hop ${plan.nextHop ?? 'on-link'})`;
    return this.nft(ruleset, what, ingressTable.family, journaled);
  }

  /** Loads an nftables rule set (the whole `clatter` table), journaling its removal first. */
  private async nft(ruleset: string, what: string, family: 'ip6' | 'netdev' = 'ip6', journaled = false): Promise<Found<void>> {
    if (!journaled) this.journal.record({ kind: 'nft', undo: ['delete', 'table', family, nftTable], what });
    const result = await runCommand('nft', ['-f', '-'], 10_000, ruleset);
    if (!result.ok) return { ok: false, error: `${what}: ${result.error}` };
    this.loadedTables.set(`${family} ${nftTable}`, { ruleset, what, family });
    return { ok: true, value: undefined };
  }

  /**
   * Loads again, as they were, the tables of ours that someone's rule set took away (their journal
   * entries still stand). Returns what was put back; the errors are logged.
   */
  async restoreMissingTables(): Promise<string[]> {
    if (this.loadedTables.size === 0) return [];
    const listed = await runCommand('nft', ['list', 'tables']);
    if (!listed.ok) return [];
    const present = new Set(listed.stdout.split('\n').map((line) => line.trim().replace(/^table /, '')));
    const restored: string[] = [];
    for (const [name, table] of this.loadedTables) {
      if (present.has(name)) continue;
      const loaded = await this.nft(table.ruleset, table.what, table.family, true);
      if (loaded.ok) restored.push(name);
      else this.log(`could not put back nftables table ${name}: ${loaded.error}`);
    }
    return restored;
  }

  private forceForwardingSteps(uplink: string, tun: string, clatIpv6: string): (() => Promise<Found<void>> | Found<void>)[] {
    const conf = (dev: string, key: string) => sysctlKey('net', 'ipv6', 'conf', dev, key);
    return [
      () => this.ip(['-6', 'route', 'add', `${clatIpv6}/128`, 'dev', tun], ['-6', 'route', 'del', `${clatIpv6}/128`, 'dev', tun], `route to the CLAT IPv6 address`),
      () => this.sysctl(conf(tun, 'force_forwarding'), '1', `IPv6 forwarding from ${tun}`),
      () => this.sysctl(conf(uplink, 'accept_ra'), '2', `keep accepting RAs on ${uplink}`),
      () => this.sysctl(conf(uplink, 'force_forwarding'), '1', `IPv6 forwarding from ${uplink}`),
      // The kernel answers neighbour solicitations for proxied addresses only on an interface in
      // router mode (ndisc_recv_ns checks the interface's own `forwarding`, not force_forwarding).
      // That per-interface flag is the Host/Router switch of ip-sysctl.rst, not global forwarding.
      () => this.sysctl(conf(uplink, 'forwarding'), '1', `router mode on ${uplink} (for proxy NDP)`),
      () => this.sysctl(conf(uplink, 'proxy_ndp'), '1', `proxy NDP on ${uplink}`),
      () => this.answerAtOnce(uplink),
      () => this.ip(['-6', 'neigh', 'add', 'proxy', clatIpv6, 'dev', uplink], ['-6', 'neigh', 'del', 'proxy', clatIpv6, 'dev', uplink], `answer neighbour solicitations for ${clatIpv6}`),
    ];
  }

  /**
   * Packet-socket delivery: the CLAT address is an anycast address of the uplink (joined by the
   * engine's socket), so the kernel answers neighbour solicitations for it, and would also take
   * its packets as its own; the packet socket has seen them by then, so nftables drops the kernel's
   * copy at prerouting (raw priority), except the neighbour solicitations.
   */
  private packetSocketSteps(clatIpv6: string): (() => Promise<Found<void>>)[] {
    const ruleset = [
      `table ip6 ${nftTable} {`,
      '  chain prerouting {',
      '    type filter hook prerouting priority raw; policy accept;',
      `    ip6 daddr ${clatIpv6} meta l4proto != ipv6-icmp drop`,
      `    ip6 daddr ${clatIpv6} icmpv6 type != nd-neighbor-solicit drop`,
      '  }',
      '}',
    ].join('\n');
    return [() => this.nft(ruleset, `drop the kernel's copy of packets for ${clatIpv6}`)];
  }

  /** Undoes everything journaled (also what a crashed run left); the next start proves its address anew. */
  undo(): Promise<string[]> {
    this.loadedTables.clear();
    this.proved = null;
    return this.journal.undoAll(this.log);
  }
}

function canonical(address: string): string {
  const bytes = parseIpv6(address);
  return bytes === undefined ? address : formatIpv6(bytes);
}

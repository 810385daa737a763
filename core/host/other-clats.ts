// Another CLAT on this host. Two CLATs fight over the same things (192.0.0.1, RFC 7335; the IPv4
// default route; the uplink's neighbour answers) and each breaks the other, so `up` refuses and
// auto mode stands aside, naming what it found. Looked for, in this network namespace:
//   - an interface not ours holding 192.0.0.1, or a TUN not ours with any 192.0.0.0/29 address
//     (clatd's tayga, Android-style clatd, a hand-made one);
//   - systemd-networkd's CLAT (`CLAT=yes`, a pull request in 2026): a TUN named `cl-<uplink>`;
//   - a `clatd` process (toreanderson/clatd, Perl, or Android's);
//   - NetworkManager's own CLAT (1.58+): `ipv4.clat` auto or force on an active connection, or
//     `default` with a 192.0.0.0/29 address on its device (the default can be turned on in
//     NetworkManager.conf, which nmcli does not show). NetworkManager before 1.58 has no such
//     property and nmcli says "invalid field": no CLAT there.
// The parsing is pure (tested over fixtures); the reading (ip, /proc, nmcli) is at the end.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { ipJson } from './run-command.js';
import { networkManagerRunning, runNmcli, type NmcliRunner } from './network-manager.js';
import { parseNmcliTerse } from './nmcli-terse.js';

export type OtherClat =
  | { readonly kind: 'address'; readonly name: string; readonly interface: string; readonly address: string }
  | { readonly kind: 'systemd-networkd'; readonly name: string; readonly interface: string }
  | { readonly kind: 'clatd'; readonly name: string; readonly pid: number }
  | { readonly kind: 'networkmanager'; readonly name: string; readonly connection: string; readonly device: string; readonly setting: string };

/** `ip -j -d addr show`, the fields read here. */
export interface IpLinkAddresses {
  readonly ifname: string;
  readonly linkinfo?: { readonly info_kind?: string };
  readonly addr_info?: readonly { readonly family: string; readonly local: string; readonly prefixlen: number }[];
}

export interface ProcessEntry {
  readonly pid: number;
  /** /proc/<pid>/comm: the executable's (or script's) name, at most 15 characters. */
  readonly comm: string;
  /** /proc/<pid>/cmdline split at NULs. */
  readonly argv: readonly string[];
}

export interface NetworkManagerConnection {
  readonly connection: string;
  readonly device: string;
  /** `nmcli -g ipv4.clat connection show …`; null when this NetworkManager has no such property. */
  readonly clat: string | null;
}

const rfc7335Clat = '192.0.0.1';
const networkdTunPrefix = 'cl-';

/** 192.0.0.0/29 (RFC 7335: reserved for IPv4 on the CLAT side). */
export function inClatRange(ipv4: string): boolean {
  const octets = ipv4.split('.').map(Number);
  return octets.length === 4 && octets[0] === 192 && octets[1] === 0 && octets[2] === 0 && octets[3] >= 0 && octets[3] < 8;
}

function ipv4Of(link: IpLinkAddresses): string[] {
  return (link.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => a.local);
}

/** CLATs seen in the interfaces: addresses of RFC 7335's range on interfaces other than `ourTun`, networkd's TUNs. */
export function clatsInLinks(links: readonly IpLinkAddresses[], ourTun: string | null): OtherClat[] {
  const found: OtherClat[] = [];
  for (const link of links) {
    if (link.ifname === ourTun) continue;
    const isTun = link.linkinfo?.info_kind === 'tun';
    if (isTun && link.ifname.startsWith(networkdTunPrefix)) {
      const uplink = link.ifname.slice(networkdTunPrefix.length);
      found.push({ kind: 'systemd-networkd', name: `systemd-networkd's CLAT on ${uplink} (TUN ${link.ifname})`, interface: link.ifname });
      continue;
    }
    const address = ipv4Of(link).find((a) => a === rfc7335Clat || (isTun && inClatRange(a)));
    if (address !== undefined) {
      found.push({ kind: 'address', name: `${isTun ? 'a TUN' : 'an interface'} ${link.ifname} holding ${address}`, interface: link.ifname, address });
    }
  }
  return found;
}

/** clatd processes: the name the kernel gives a process (comm), or a script run by its interpreter (`perl /usr/sbin/clatd`). */
export function clatdProcesses(processes: readonly ProcessEntry[]): OtherClat[] {
  const isClatd = (path: string | undefined) => path !== undefined && /(^|\/)clatd$/.test(path);
  return processes
    .filter((p) => p.comm === 'clatd' || isClatd(p.argv[0]) || (/(^|\/)(perl|python3?(\.\d+)?)$/.test(p.argv[0] ?? '') && isClatd(p.argv[1])))
    .map((p) => ({ kind: 'clatd', name: `clatd (pid ${p.pid})`, pid: p.pid }));
}

/** nmcli prints an enum by name ("auto"), by number ("-1") or both ("1 (auto)"): -1 default, 0 no, 1 auto, 2 force. */
const clatOn = /^(auto|force|yes|[12]\b)/;
const clatDefault = /^(-1\b|default)/;

/** NetworkManager's CLAT on active connections; `links` tells whether a `default` one holds a CLAT address. */
export function networkManagerClats(connections: readonly NetworkManagerConnection[], links: readonly IpLinkAddresses[]): OtherClat[] {
  const clatAddressOn = (device: string) => links.some((link) => link.ifname === device && ipv4Of(link).some(inClatRange));
  return connections
    .filter((c) => c.clat !== null && (clatOn.test(c.clat) || (clatDefault.test(c.clat) && clatAddressOn(c.device))))
    .map((c) => ({
      kind: 'networkmanager',
      name: `NetworkManager's CLAT on ${c.device} (connection "${c.connection}", ipv4.clat ${c.clat})`,
      connection: c.connection,
      device: c.device,
      setting: c.clat ?? '',
    }));
}

// ——— reading the host (never changing it) ———

/**
 * Every other CLAT this network namespace has, each named; empty when there is none. `ourTun` is
 * this engine's TUN (left out), or null before it exists. Never throws: a probe that cannot run
 * (no nmcli, no /proc) finds nothing.
 */
export async function findOtherClats(ourTun: string | null, nmcli: NmcliRunner = runNmcli): Promise<OtherClat[]> {
  const links = await ipJson<IpLinkAddresses[]>(['-d', 'addr', 'show']);
  const linkList = links.ok ? links.value : [];
  const [connections, processes] = await Promise.all([readNetworkManagerConnections(nmcli), Promise.resolve(readProcesses())]);
  return [...clatsInLinks(linkList, ourTun), ...clatdProcesses(processes), ...networkManagerClats(connections, linkList)];
}

async function readNetworkManagerConnections(nmcli: NmcliRunner): Promise<NetworkManagerConnection[]> {
  if (!(await networkManagerRunning(nmcli))) return [];
  const active = await nmcli(['-t', '-f', 'NAME,UUID,DEVICE', 'connection', 'show', '--active']);
  if (!active.ok) return [];
  const connections: NetworkManagerConnection[] = [];
  for (const [name, uuid, device] of parseNmcliTerse(active.stdout)) {
    if (uuid === undefined || device === undefined) continue;
    const clat = await nmcli(['-g', 'ipv4.clat', 'connection', 'show', uuid]);
    connections.push({ connection: name, device, clat: clat.ok ? clat.stdout.trim() : null });
  }
  return connections;
}

/** Processes in this network namespace (a clatd in another namespace serves another network). */
function readProcesses(): ProcessEntry[] {
  let ownNet: string;
  let pids: number[];
  try {
    ownNet = readlinkSync('/proc/self/ns/net');
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number);
  } catch {
    return [];
  }
  const entries: ProcessEntry[] = [];
  for (const pid of pids) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/net`) !== ownNet) continue;
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      // Only a clatd or an interpreter that may be running one is worth its command line.
      if (!/^(clatd|perl|python3?(\.\d+)?)$/.test(comm)) continue;
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
      entries.push({ pid, comm, argv });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return entries;
}

// What the firewall fixtures share: a real desktop firewall put into a lab's host namespace as its
// owner would put it there (Docker at start, ufw enable, firewalld, nftables.service), for tests of
// the CLAT behind it. Each one runs only in the lab's host namespace, and in a private mount
// namespace where it would write a file of the machine's own (ufw, firewalld).
//
// Lifecycle: `load(lab)` resolves once the firewall's rules are in place and answers with a handle;
// `reload()` does what the firewall's owner does to apply it again (ufw reload, firewall-cmd
// --reload, a Docker restart, `systemctl reload nftables`); `remove()` stops what it started and
// deletes the tables it made, leaving the namespace's ruleset as it was before `load`. Processes it
// starts (dbus-daemon, firewalld) live in the lab's namespace: the lab's teardown kills them if the
// test does not get to `remove()`.

import type { ExecOptions, ExecResult } from '../netns-command.js';
import type { LabProcess } from '../lab-process.js';
import type { LabRole } from '../topology.js';

/** The part of a Lab the fixtures use. */
export interface FirewallLab {
  readonly tempDir: string;
  exec(role: LabRole, argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  spawn(role: LabRole, argv: readonly string[], options?: { name?: string; stdin?: boolean }): LabProcess;
}

export interface LoadedFirewall {
  /** Applies it again as its owner would. */
  reload(): Promise<void>;
  /** Stops it and deletes its tables; idempotent. */
  remove(): Promise<void>;
}

export interface LabFirewall {
  /** The name the tests use. */
  readonly name: string;
  /** What it stands for, in a sentence. */
  readonly description: string;
  /**
   * Which traffic it stops, for a test that proves the fixture really drops: `forward` (IPv6
   * forwarded through the host), `input` (IPv4 to the host that it did not ask for).
   */
  readonly drops: 'forward' | 'input';
  load(lab: FirewallLab): Promise<LoadedFirewall>;
}

/** An nftables table, as `nft list tables` names it: family and name. */
export interface TableName {
  readonly family: 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';
  readonly name: string;
}

/** Deletes those of `tables` that exist in the host namespace. */
export async function deleteTables(lab: FirewallLab, tables: readonly TableName[]): Promise<void> {
  const { stdout } = await lab.exec('host', ['nft', 'list', 'tables']);
  const present = new Set(stdout.split('\n').map((line) => line.trim()));
  for (const { family, name } of tables) {
    if (present.has(`table ${family} ${name}`)) await lab.exec('host', ['nft', 'delete', 'table', family, name]);
  }
}

/**
 * Reads the host namespace's `keys` now and answers with a function that writes those values back:
 * for the sysctls a firewall sets as it starts (ufw's sysctl.conf, Docker's ip_forward), which its
 * removal puts back so that the next test finds the lab's host as it was.
 */
export async function keepSysctls(lab: FirewallLab, keys: readonly string[]): Promise<() => Promise<void>> {
  const { stdout } = await lab.exec('host', ['sysctl', '-e', ...keys]);
  const assignments = stdout
    .split('\n')
    .map((line) => /^(\S+) = (.*)$/.exec(line.trim()))
    .filter((match) => match !== null)
    .map((match) => `${match[1]}=${match[2]}`);
  return async () => {
    if (assignments.length > 0) await lab.exec('host', ['sysctl', '-q', '-w', ...assignments]);
  };
}

/** Runs `finish` once, however often the returned function is called. */
export function once(finish: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => (done ??= finish());
}

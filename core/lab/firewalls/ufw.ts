// The real ufw (Debian's package) enabled with its defaults in the lab's host namespace: IPv4 and
// IPv6 INPUT DROP, FORWARD DROP, OUTPUT ACCEPT, in iptables-nft tables. ufw is no daemon: `ufw
// --force enable` loads its rules into the namespace it runs in and exits; `ufw reload` flushes its
// chains and loads them again; `ufw disable` empties them and sets the policies to ACCEPT.
//
// It writes its state (ENABLED=yes in /etc/ufw/ufw.conf) and takes a lock under /run, so it runs in
// a private mount namespace: tmpfs over /run, and the lab's own copies of /etc/ufw and
// /etc/default/ufw bound over the machine's. `mount -n` throughout: without it, libmount would
// write /run/mount/utab on the machine's own /run before the tmpfs covers it. Its sysctl.conf sets
// keys of the namespace only; removal puts their values back.

import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deleteTables, keepSysctls, once, type FirewallLab, type LabFirewall, type LoadedFirewall } from './firewall.js';

const confinedUfw = String.raw`set -e
mount -n -t tmpfs tmpfs /run
mount -n --bind "$1" /etc/ufw
mount -n --bind "$2" /etc/default/ufw
shift 2
exec ufw "$@"`;

/** The keys of ufw's sysctl.conf (`net/ipv4/…=value` lines), in sysctl(8)'s dotted form. */
function ufwSysctlKeys(sysctlConf: string): string[] {
  return sysctlConf
    .split('\n')
    .map((line) => /^\s*([a-z0-9_/.-]+)\s*=/.exec(line)?.[1])
    .filter((key) => key !== undefined)
    .map((key) => key.replaceAll('/', '.'));
}

export const ufw: LabFirewall = {
  name: 'ufw',
  description: 'the real ufw enabled with its defaults (INPUT and FORWARD DROP, IPv4 and IPv6)',
  drops: 'forward',
  async load(lab: FirewallLab): Promise<LoadedFirewall> {
    const etcCopy = join(lab.tempDir, 'ufw-etc');
    const defaultCopy = join(lab.tempDir, 'ufw-default');
    cpSync('/etc/ufw', etcCopy, { recursive: true, preserveTimestamps: true });
    cpSync('/etc/default/ufw', defaultCopy);
    const restoreSysctls = await keepSysctls(lab, ufwSysctlKeys(readFileSync(join(etcCopy, 'sysctl.conf'), 'utf8')));
    const run = (...args: string[]) => lab.exec('host', ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', confinedUfw, 'sh', etcCopy, defaultCopy, ...args]);
    await run('--force', 'enable');
    return {
      reload: async () => {
        await run('reload');
      },
      remove: once(async () => {
        await run('disable');
        // ufw leaves its emptied chains behind; the tables go, as they were not there before.
        await deleteTables(lab, [
          { family: 'ip', name: 'filter' },
          { family: 'ip6', name: 'filter' },
        ]);
        await restoreSysctls();
      }),
    };
  },
};

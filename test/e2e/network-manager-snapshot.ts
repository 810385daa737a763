// NetworkManager's state in a lab made with `networkManager: true`, as one text, so that "the CLAT
// leaves NetworkManager as it found it" is one string comparison: its devices, its connections, the
// uplink's profile with what is active on it, and the files it reads and writes (/etc and
// /var/lib/NetworkManager, in the lab's temp dir). And this machine's side of the confinement:
// no NetworkManager on the machine's own network, no mount recorded in its /run.

import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Lab, NetworkManagerControl } from '../../core/lab/lab.js';

/**
 * NetworkManager refreshes an active connection's timestamp by itself (in the profile's
 * `connection.timestamp` and in /var/lib/NetworkManager/timestamps), CLAT or not: the only thing left out.
 */
const refreshedByItself = /^connection\.timestamp:/;
const timestampsFile = 'timestamps';
/** `IP6.ROUTE[2]:…`: NetworkManager numbers what it lists in the order of its own cache, which moves. */
const listItem = /^([A-Z0-9-]+\.[A-Z0-9-]+)\[\d+\]:(.*)$/;

/** nmcli's numbered lists as sets: each item as `NAME[]:value`, sorted, where the first item stood. */
function numberedListsSorted(lines: readonly string[]): string[] {
  const lists = new Map<string, string[]>();
  for (const line of lines) {
    const match = listItem.exec(line);
    if (match) lists.set(match[1], [...(lists.get(match[1]) ?? []), match[2]]);
  }
  const out: string[] = [];
  for (const line of lines) {
    const match = listItem.exec(line);
    if (!match) out.push(line);
    else if (lists.has(match[1])) {
      out.push(...lists.get(match[1])!.sort().map((value) => `${match[1]}[]:${value}`));
      lists.delete(match[1]);
    }
  }
  return out;
}

export function networkManagerOf(lab: Lab): NetworkManagerControl {
  if (lab.networkManager === null) throw new Error('this lab has no NetworkManager (createLab({ networkManager: true }))');
  return lab.networkManager;
}

/** Every file under `dir` with its content, sorted; `skip` names files (relative paths) left out. */
export function filesUnder(dir: string, skip: readonly string[] = []): string {
  const lines: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at).sort()) {
      const path = join(at, entry);
      const name = relative(dir, path);
      if (statSync(path).isDirectory()) walk(path);
      else if (!skip.includes(name)) lines.push(`--- ${name}\n${readFileSync(path, 'utf8')}`);
    }
  };
  walk(dir);
  return lines.join('\n');
}

export async function networkManagerSnapshot(lab: Lab): Promise<string> {
  const nm = networkManagerOf(lab);
  const sections: string[] = [];
  for (const args of [['-t', 'device'], ['-t', 'connection', 'show'], ['-t', 'connection', 'show', nm.connection]]) {
    const { stdout } = await nm.nmcli(args);
    const lines = stdout.split('\n').filter((line) => line !== '' && !refreshedByItself.test(line));
    sections.push(`## nmcli ${args.join(' ')}\n${numberedListsSorted(lines).join('\n')}`);
  }
  sections.push(`## /etc/NetworkManager\n${filesUnder(nm.dirs.etc)}`);
  sections.push(`## /var/lib/NetworkManager\n${filesUnder(nm.dirs.lib, [timestampsFile])}`);
  return `${sections.join('\n')}\n`;
}

/** What the machine itself shows of NetworkManager: its processes on the machine's own network, and libmount's record of mounts. */
export function machineSide(): { readonly networkManagersOnMachineNetwork: string[]; readonly utab: string | null } {
  // This test process runs in the machine's own network namespace.
  const ownNet = readlinkSync('/proc/self/ns/net');
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'NetworkManager' && readlinkSync(`/proc/${pid}/ns/net`) === ownNet) found.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  const utabPath = '/run/mount/utab';
  return { networkManagersOnMachineNetwork: found, utab: existsSync(utabPath) ? readFileSync(utabPath, 'utf8') : null };
}

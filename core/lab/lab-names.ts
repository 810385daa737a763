// Names of everything a lab leaves on the machine while it runs: its namespaces, the resolv.conf that
// `ip netns exec` bind-mounts for the host namespace, and its temp dir. All carry the run prefix
// `clt-<pid>-<n>`: the pid of the process that made the lab tells a crashed run's leftovers (pid gone)
// from a lab another test process is still using, and `n` separates labs of one process.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labRoles, namespaceSuffix, type LabRole } from './topology.js';

export interface LabNames {
  /** The run prefix, `clt-<pid>-<n>`. */
  readonly id: string;
  readonly pid: number;
  readonly namespaces: Readonly<Record<LabRole, string>>;
  /** `ip netns exec` bind-mounts the files in `/etc/netns/<ns>/` over `/etc/` (ip-netns(8)). */
  readonly hostEtcDir: string;
  /** Prefix of the lab's temp dir (mkdtemp adds a random suffix). */
  readonly tempDirPrefix: string;
}

const idPattern = /^clt-(\d+)-(\d+)$/;
const namespacePattern = /^(clt-\d+-\d+)-(host|isp|srv)$/;
const tempDirPattern = /^clatter-lab-(clt-\d+-\d+)-/;

export const etcNetnsDir = '/etc/netns';

export function labNames(pid: number, sequence: number): LabNames {
  return namesOf(`clt-${pid}-${sequence}`);
}

function namesOf(id: string): LabNames {
  const namespaces = Object.fromEntries(labRoles.map((role) => [role, `${id}-${namespaceSuffix[role]}`])) as Record<LabRole, string>;
  return {
    id,
    pid: Number(idPattern.exec(id)?.[1]),
    namespaces,
    hostEtcDir: join(etcNetnsDir, namespaces.host),
    tempDirPrefix: join(tmpdir(), `clatter-lab-${id}-`),
  };
}

/** The names of the lab a namespace, /etc/netns entry or temp dir name belongs to; null if none. */
export function labOfNamespace(name: string): LabNames | null {
  const match = namespacePattern.exec(name);
  return match ? namesOf(match[1]) : null;
}

export function labOfTempDir(name: string): LabNames | null {
  const match = tempDirPattern.exec(name);
  return match ? namesOf(match[1]) : null;
}

// The Debian packages the lab runs, found by one executable each, so that a missing one is named
// before anything is created. scripts/ensure-test-tools.sh installs the same list.

import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { childEnv } from './netns-command.js';

/** Debian's own interpreter: a python3 earlier in PATH (pyenv, venv) may lack what the scripts use. */
export const python3 = '/usr/bin/python3';

export interface PackageRequirement {
  /** A name looked up in PATH (with the sbin directories), or an absolute path. */
  readonly executable: string;
  readonly debianPackage: string;
}

const requirements: readonly PackageRequirement[] = [
  { executable: 'ip', debianPackage: 'iproute2' },
  { executable: 'ss', debianPackage: 'iproute2' },
  { executable: 'unshare', debianPackage: 'util-linux' },
  { executable: 'radvd', debianPackage: 'radvd' },
  { executable: 'unbound', debianPackage: 'unbound' },
  { executable: 'tayga', debianPackage: 'tayga' },
  { executable: 'nft', debianPackage: 'nftables' },
  { executable: 'iperf3', debianPackage: 'iperf3' },
  { executable: python3, debianPackage: 'python3' },
  // Used by the probes (probes.ts) and the tests rather than by the lab itself.
  { executable: 'dig', debianPackage: 'bind9-dnsutils' },
  { executable: 'curl', debianPackage: 'curl' },
  { executable: 'tcpdump', debianPackage: 'tcpdump' },
  { executable: 'ping', debianPackage: 'iputils-ping' },
];

/** A lab with NetworkManager on the host's uplink (network-manager.ts) runs these too. */
const networkManagerRequirements: readonly { readonly executable: string; readonly debianPackage: string }[] = [
  { executable: 'NetworkManager', debianPackage: 'network-manager' },
  { executable: 'nmcli', debianPackage: 'network-manager' },
  { executable: 'dbus-daemon', debianPackage: 'dbus-daemon' },
  { executable: 'nsenter', debianPackage: 'util-linux' },
];

function findExecutable(name: string): boolean {
  const candidates = name.startsWith('/') ? [name] : (childEnv.PATH ?? '').split(':').map((dir) => join(dir, name));
  return candidates.some((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Debian packages of `needed` that are not installed, each named once. */
export function missingPackagesOf(needed: readonly PackageRequirement[]): string[] {
  const missing = needed.filter((r) => !findExecutable(r.executable)).map((r) => r.debianPackage);
  return [...new Set(missing)];
}

/** Debian packages the lab needs that are not installed, each named once. */
export function missingLabPackages(options: { networkManager?: boolean } = {}): string[] {
  return missingPackagesOf(options.networkManager === true ? [...requirements, ...networkManagerRequirements] : requirements);
}

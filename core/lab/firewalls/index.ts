// The desktop firewalls the end-to-end tests put the CLAT behind (firewall.ts says how they load,
// reload and go), and what they need installed.

import { missingPackagesOf } from '../required-packages.js';
import { docker } from './docker.js';
import type { LabFirewall } from './firewall.js';
import { firewalld } from './firewalld.js';
import { ipv4InputEstablished } from './ipv4-input-established.js';
import { nftInetForwardDrop } from './nft-inet-forward-drop.js';
import { ufw } from './ufw.js';

export type { FirewallLab, LabFirewall, LoadedFirewall } from './firewall.js';
export { rulesetSnapshot } from './ruleset-snapshot.js';

export const labFirewalls: readonly LabFirewall[] = [docker, nftInetForwardDrop, ufw, firewalld, ipv4InputEstablished];

/** Debian packages the fixtures run that are not installed (scripts/ensure-test-tools.sh installs them). */
export function missingFirewallPackages(): string[] {
  return missingPackagesOf([
    { executable: 'iptables-nft', debianPackage: 'iptables' },
    { executable: 'ufw', debianPackage: 'ufw' },
    { executable: 'firewalld', debianPackage: 'firewalld' },
    { executable: 'firewall-cmd', debianPackage: 'firewalld' },
    { executable: 'dbus-daemon', debianPackage: 'dbus' },
  ]);
}

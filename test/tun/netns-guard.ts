// First line of every child script that creates interfaces: refuse to run unless this process is
// in another network namespace than the test runner's, which is the machine's own network and
// must never get a TUN, address, route or sysctl from a test. The runner passes the identity of
// its namespace in CLATTER_HOST_NETNS (netns.ts); a child started any other way refuses too.

import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

export const hostNetnsVariable = 'CLATTER_HOST_NETNS';

/** "device:inode" of this process's network namespace. */
export function netnsIdentity(): string {
  const ns = statSync('/proc/self/ns/net');
  return `${ns.dev}:${ns.ino}`;
}

export function assertInTestNetns(): void {
  const host = process.env[hostNetnsVariable];
  if (host === undefined || host === netnsIdentity()) {
    process.stderr.write(`refusing to run: not in a test network namespace (${hostNetnsVariable}=${host})\n`);
    process.exit(3);
  }
}

/** Runs a command (ip, sysctl) inside this namespace; throws with its stderr if it fails. */
export function run(command: string, ...args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8' });
}

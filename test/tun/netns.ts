// A throwaway network namespace per test file, for everything that creates a TUN, an address or
// a route: the machine's own network is never touched. The namespace is created with a random
// name and deleted in afterAll, also when a test fails (deleting it deletes its interfaces).
// Child scripts run inside it with `ip netns exec`, from TypeScript source (ts-loader.mjs).

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hostNetnsVariable, netnsIdentity } from './netns-guard.js';

const loader = fileURLToPath(new URL('./ts-loader.mjs', import.meta.url));

/** Why namespace tests cannot run here, or undefined when they can (root, ip, /dev/net/tun). */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  if (spawnSync('ip', ['-V']).status !== 0) return 'no ip command (iproute2)';
  try {
    accessSync('/dev/net/tun', constants.R_OK | constants.W_OK);
  } catch {
    return 'no /dev/net/tun';
  }
  return undefined;
}

function ip(args: string[]): void {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr.trim() || `exit ${result.status}`}`);
}

/** Creates a namespace with its loopback up; returns its name. */
export function createNetns(): string {
  const name = `clatter-t-${randomBytes(4).toString('hex')}`;
  ip(['netns', 'add', name]);
  try {
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (error) {
    deleteNetns(name);
    throw error;
  }
  return name;
}

export function deleteNetns(name: string): void {
  spawnSync('ip', ['netns', 'delete', name]);
}

export interface ChildResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a TypeScript child script inside the namespace; kills it after `timeoutMs`. */
export function runInNetns(netns: string, script: string, args: readonly string[] = [], timeoutMs = 30_000): ChildResult {
  const result = spawnSync('ip', ['netns', 'exec', netns, process.execPath, '--import', loader, script, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, [hostNetnsVariable]: netnsIdentity() },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The child's report: the last line of its stdout, as JSON. Fails with the child's stderr. */
export function childReport<T>(result: ChildResult): T {
  const lines = result.stdout.trim().split('\n');
  if (result.status !== 0) throw new Error(`child exited ${result.status}:\n${result.stderr}\n${result.stdout}`);
  return JSON.parse(lines[lines.length - 1]) as T;
}

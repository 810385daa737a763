// What the parts of a lab share while they set it up and run it: its names, its temp dir, the
// processes it started, and commands bound to a namespace by role. Owns nothing on the machine
// itself; teardown.ts removes what it points at.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabNames } from './lab-names.js';
import { describeExit, LabProcess } from './lab-process.js';
import { exec, inNamespace, ipIn, type ExecOptions, type ExecResult } from './netns-command.js';
import type { LabRole } from './topology.js';

export class LabContext {
  /** The lab's own daemons: each must run as long as the lab does. */
  readonly daemons: LabProcess[] = [];

  constructor(
    readonly names: LabNames,
    readonly tempDir: string,
  ) {}

  ns(role: LabRole): string {
    return this.names.namespaces[role];
  }

  run(role: LabRole, argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    return exec(inNamespace(this.ns(role), argv), options);
  }

  ip(role: LabRole, ...args: string[]): Promise<ExecResult> {
    return exec(ipIn(this.ns(role), args));
  }

  /** Sets sysctls inside the namespace (net.* is per namespace). */
  sysctl(role: LabRole, settings: Readonly<Record<string, string | number>>): Promise<ExecResult> {
    const assignments = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
    return this.run(role, ['sysctl', '-q', '-w', ...assignments]);
  }

  path(name: string): string {
    return join(this.tempDir, name);
  }

  writeFile(name: string, content: string | Uint8Array): string {
    const path = this.path(name);
    writeFileSync(path, content, { mode: 0o644 });
    return path;
  }

  /** Starts a daemon of the lab, logging to `<tempDir>/<name>.log`. */
  startDaemon(role: LabRole, name: string, argv: readonly string[], options: { stdin?: boolean } = {}): LabProcess {
    const daemon = new LabProcess(this.ns(role), argv, { name, logPath: this.path(`${name}.log`), stdin: options.stdin ?? false });
    this.daemons.push(daemon);
    return daemon;
  }

  /** Throws, quoting its output, if one of the lab's daemons has exited. */
  assertDaemonsRunning(): void {
    const dead = this.daemons.find((daemon) => daemon.exit !== null);
    if (dead && dead.exit) throw new Error(`lab: ${dead.name} exited (${describeExit(dead.exit)}): ${dead.tail()}`);
  }

  /** Local sockets listening in the namespace, as `tcp 203.0.113.10:80` or `udp [2001:db8:1:2::1]:53`. */
  async listeningSockets(role: LabRole): Promise<Set<string>> {
    const { stdout } = await this.run(role, ['ss', '-H', '-l', '-n', '-t', '-u']);
    const sockets = new Set<string>();
    for (const line of stdout.split('\n')) {
      // Netid State Recv-Q Send-Q Local:Port Peer:Port
      const columns = line.trim().split(/\s+/);
      if (columns.length >= 5) sockets.add(`${columns[0]} ${columns[4]}`);
    }
    return sockets;
  }
}

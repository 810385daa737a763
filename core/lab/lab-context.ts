// What the parts of a lab share while they set it up and run it: its names, its temp dir, the
// processes it started, and commands bound to a namespace by role. Owns nothing on the machine
// itself; teardown.ts removes what it points at.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabNames } from './lab-names.js';
import { describeExit, LabProcess } from './lab-process.js';
import { childEnv, exec, inNamespace, ipIn, type ExecOptions, type ExecResult } from './netns-command.js';
import type { LabRole } from './topology.js';

export class LabContext {
  /** The lab's own daemons: each must run as long as the lab does. */
  readonly daemons: LabProcess[] = [];
  /** Where the lab's private system D-Bus listens (network-manager.ts); absent in a lab without one. */
  readonly systemBusSocket: string;
  /**
   * The environment of every command and process of the lab. D-Bus clients (nmcli, and the engine
   * asking NetworkManager to leave its TUN alone) go to DBUS_SYSTEM_BUS_ADDRESS, or else to
   * /run/dbus/system_bus_socket: this machine's own bus, whose NetworkManager (if any) manages this
   * machine's network. In the lab they reach the lab's own bus, or, in a lab without NetworkManager,
   * nothing at all.
   */
  readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly names: LabNames,
    readonly tempDir: string,
  ) {
    this.systemBusSocket = join(tempDir, 'dbus', 'system_bus_socket');
    this.env = { ...childEnv, DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${this.systemBusSocket}` };
  }

  ns(role: LabRole): string {
    return this.names.namespaces[role];
  }

  run(role: LabRole, argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    return exec(inNamespace(this.ns(role), argv), { ...options, env: options?.env ?? this.env });
  }

  ip(role: LabRole, ...args: string[]): Promise<ExecResult> {
    return exec(ipIn(this.ns(role), args), { env: this.env });
  }

  /** Starts argv in a namespace (what Lab.spawn hands out; a test stops it or the teardown does). */
  spawn(role: LabRole, argv: readonly string[], options: { name?: string; stdin?: boolean; logPath?: string } = {}): LabProcess {
    return new LabProcess(this.ns(role), argv, { ...options, env: this.env });
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
    const daemon = this.spawn(role, argv, { name, logPath: this.path(`${name}.log`), stdin: options.stdin ?? false });
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

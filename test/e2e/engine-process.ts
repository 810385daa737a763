// The real engine (`node bin/clatter.js engine`, built in dist/) run inside a lab's host namespace,
// and the `clatter` command run there against it: what the end-to-end tests drive. Never in the
// machine's own namespace: every process goes through lab.spawn / lab.exec.
//
// Lifecycle: engineDir() makes a private temp dir (socket + state); startEngine() resolves once the
// engine prints "listening on"; stop() is SIGTERM and waiting for the exit (SIGKILL if it hangs);
// kill() is kill -9. removeEngineDir() at the end. The lab's teardown kills whatever is left in its
// namespaces anyway.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClatStatus } from '../../core/api/status.js';
import { findPackageRoot } from '../../core/install/package-root.js';
import type { Lab } from '../../core/lab/lab.js';
import type { LabProcess, ProcessExit } from '../../core/lab/lab-process.js';

/** bin/clatter.js of this checkout, whether this file runs from test/ (vitest) or dist/test/ (benchmarks). */
export const clatterBin = join(findPackageRoot().dir, 'bin', 'clatter.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A temp dir (mode 0700) for one engine's socket and state; removeEngineDir() removes it. */
export function engineDir(): string {
  return mkdtempSync(join(tmpdir(), 'clatter-e2e-'));
}

/**
 * The end of a test file: stop the engine (SIGTERM: it restores the host), then destroy the lab,
 * then remove the engine's directory — each step even when the one before failed.
 */
export async function tearDown(engine: EngineProcess | undefined, lab: Lab | undefined, dir: string | undefined): Promise<void> {
  try {
    await engine?.stop();
  } finally {
    try {
      await lab?.destroy();
    } finally {
      removeEngineDir(dir);
    }
  }
}

export function removeEngineDir(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

export interface EngineOptions {
  /** Holds engine.sock and state/; the same dir means the same journal (a restart after a crash). */
  readonly dir: string;
  readonly auto?: boolean;
  /** `--delivery`: how the CLAT's IPv6 packets reach the engine (default auto). */
  readonly delivery?: 'ingress' | 'force-forwarding' | 'packet-socket' | 'nat66';
  /** `--offload`: TUN offloads (default on). */
  readonly offload?: 'on' | 'off';
  /** `--workers`: translating threads, one per TUN queue (default 0: the main thread). */
  readonly workers?: number;
  /** `--allow-private-wkp`: RFC 1918 destinations under 64:ff9b::/96. */
  readonly allowPrivateWkp?: boolean;
}

const listeningTimeoutMs = 15_000;
const stopTimeoutMs = 15_000;

export class EngineProcess {
  readonly socket: string;
  readonly stateDir: string;

  private constructor(
    private readonly lab: Lab,
    readonly process: LabProcess,
    dir: string,
  ) {
    this.socket = join(dir, 'engine.sock');
    this.stateDir = join(dir, 'state');
  }

  /** Starts `clatter engine` in the lab's host namespace; resolves when it listens on its socket. */
  static async start(lab: Lab, options: EngineOptions): Promise<EngineProcess> {
    const argv = [process.execPath, clatterBin, 'engine', '--socket', join(options.dir, 'engine.sock'), '--state-dir', join(options.dir, 'state')];
    if (options.auto) argv.push('--auto');
    if (options.delivery !== undefined) argv.push('--delivery', options.delivery);
    if (options.offload !== undefined) argv.push('--offload', options.offload);
    if (options.workers !== undefined) argv.push('--workers', String(options.workers));
    if (options.allowPrivateWkp) argv.push('--allow-private-wkp');
    const engine = new EngineProcess(lab, lab.spawn('host', argv, { name: 'clatter engine' }), options.dir);
    try {
      await engine.process.waitForOutput(/listening on /, listeningTimeoutMs);
    } catch (error) {
      await engine.stop();
      throw error;
    }
    return engine;
  }

  /** What the engine printed (its log, on stderr). */
  get log(): string {
    return this.process.output;
  }

  /** `clatter <args> --socket <this engine's socket>` in the host namespace, as root or as `uid`. */
  async cli(args: readonly string[], options: { uid?: number } = {}): Promise<CliResult> {
    const user = options.uid === undefined ? [] : ['setpriv', '--reuid', String(options.uid), '--regid', String(options.uid), '--clear-groups'];
    const { code, stdout, stderr } = await this.lab.exec('host', [...user, process.execPath, clatterBin, ...args, '--socket', this.socket], { check: false, timeoutMs: 30_000 });
    return { code, stdout, stderr };
  }

  /** `clatter status --json`, parsed; throws (with the output) if the command fails. */
  async status(): Promise<ClatStatus> {
    const result = await this.cli(['status', '--json']);
    if (result.code !== 0) throw new Error(`clatter status exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout) as ClatStatus;
  }

  /** `clatter up --json [args]`: the status it answers with; throws if it fails. */
  async up(args: readonly string[] = []): Promise<ClatStatus> {
    const result = await this.cli(['up', '--json', ...args]);
    if (result.code !== 0) throw new Error(`clatter up exited ${result.code}: ${result.stderr}\nengine log:\n${this.process.tail()}`);
    return JSON.parse(result.stdout) as ClatStatus;
  }

  /** `clatter down --json`: the status it answers with; throws if it fails. */
  async down(): Promise<ClatStatus> {
    const result = await this.cli(['down', '--json']);
    if (result.code !== 0) throw new Error(`clatter down exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout) as ClatStatus;
  }

  /** Polls the status until `accept` holds; the timeout error shows the last status and the engine's log. */
  async waitForStatus<S extends ClatStatus>(accept: (status: ClatStatus) => status is S, what: string, timeoutMs: number): Promise<S>;
  async waitForStatus(accept: (status: ClatStatus) => boolean, what: string, timeoutMs: number): Promise<ClatStatus>;
  async waitForStatus(accept: (status: ClatStatus) => boolean, what: string, timeoutMs: number): Promise<ClatStatus> {
    const deadline = Date.now() + timeoutMs;
    let last: ClatStatus | undefined;
    for (;;) {
      last = await this.status();
      if (accept(last)) return last;
      if (Date.now() >= deadline) break;
      await sleep(200);
    }
    throw new Error(`the engine was not ${what} within ${timeoutMs} ms; last status ${JSON.stringify(last)}\nengine log:\n${this.process.tail()}`);
  }

  /** Waits for the CLAT to be running (any prefix). */
  waitForRunning(timeoutMs = 15_000): Promise<RunningStatus> {
    return this.waitForStatus(isRunning, 'running', timeoutMs);
  }

  /** SIGTERM (the engine turns the CLAT off, restores the host and exits), SIGKILL if it hangs. */
  async stop(): Promise<ProcessExit> {
    if (this.process.exit !== null) return this.process.exit;
    this.process.child.kill('SIGTERM');
    const timer = setTimeout(() => this.process.child.kill('SIGKILL'), stopTimeoutMs);
    const exit = await this.process.exited;
    clearTimeout(timer);
    return exit;
  }

  /** kill -9: the engine gets no chance to undo anything. */
  async kill(): Promise<ProcessExit> {
    if (this.process.exit !== null) return this.process.exit;
    this.process.child.kill('SIGKILL');
    return this.process.exited;
  }
}

export type RunningStatus = Extract<ClatStatus, { state: 'running' }>;

export function isRunning(status: ClatStatus): status is RunningStatus {
  return status.state === 'running';
}

/** The status, narrowed to running; throws (showing it) when it is not. */
export function asRunning(status: ClatStatus): RunningStatus {
  if (!isRunning(status)) throw new Error(`the CLAT is not running: ${JSON.stringify(status)}`);
  return status;
}

/** Running with `prefix` learned from `source`. */
export function runningWith(prefix: string, source: RunningStatus['prefix']['source']): (status: ClatStatus) => status is RunningStatus {
  return (status): status is RunningStatus => isRunning(status) && status.prefix.prefix === prefix && status.prefix.source === source;
}

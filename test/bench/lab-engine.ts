// Our engine as `npm run bench:lab` drives it: one `clatter engine` process in the lab's host
// namespace for the whole run (its control socket and state in the lab's temp dir), turned on and
// off per round with `clatter up` / `clatter down` as a user would. The same for another build's
// engine (`--baseline DIR`): its own CLI, socket and state dir, beside ours in the same lab.
//
// Lifecycle: start() (process listening) → up() → running → down() → … → stop() (SIGTERM: the
// engine takes the CLAT down and restores the namespace itself). The lab's teardown kills it if
// the bench dies first.

import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClatStatus } from '../../core/api/status.js';
import type { Lab } from '../../core/lab/lab.js';
import type { LabProcess } from '../../core/lab/lab-process.js';

const clatterBin = fileURLToPath(new URL('../../../bin/clatter.js', import.meta.url));
const listenTimeoutMs = 15_000;

export type RunningStatus = Extract<ClatStatus, { state: 'running' }>;

/**
 * The CLI of the checkout whose build output `distDir` is: its `bin/clatter.js`, which loads
 * `../dist`, so `distDir` must be that checkout's `dist` itself (after `npx tsc -b` there).
 */
export function checkoutCli(distDir: string): string {
  const dist = resolve(distDir);
  const cli = join(dist, '..', 'bin', 'clatter.js');
  if (basename(dist) !== 'dist' || !existsSync(cli) || !existsSync(join(dist, 'core', 'cli', 'main.js'))) {
    throw new Error(`${distDir} is not a checkout's dist with bin/clatter.js beside it (run npx tsc -b there)`);
  }
  return cli;
}

export interface EngineOptions {
  /** The engine's `--offload` (TUN offloads; default on), `--workers` (default 0), `--delivery` (default auto). */
  readonly offload?: 'on' | 'off';
  readonly workers?: number;
  readonly delivery?: string;
  /** The build's `bin/clatter.js`, for the engine and for `up`/`down` (default: this build's). */
  readonly cli?: string;
  /** Names its socket (`<label>.sock`), state dir (`<label>-state`) and process (default `engine`). */
  readonly label?: string;
}

export class BenchEngine implements TurnEngine {
  private constructor(
    private readonly lab: Lab,
    private readonly process: LabProcess,
    private readonly socketPath: string,
    private readonly cli: string,
  ) {}

  static async start(lab: Lab, options: EngineOptions = {}): Promise<BenchEngine> {
    const { offload = 'on', workers = 0, delivery = 'auto', cli = clatterBin, label = 'engine' } = options;
    const socketPath = join(lab.tempDir, `${label}.sock`);
    const argv = [
      process.execPath, cli, 'engine', '--socket', socketPath, '--state-dir', join(lab.tempDir, `${label}-state`),
      '--offload', offload, '--workers', String(workers), '--delivery', delivery,
    ];
    const child = lab.spawn('host', argv, { name: `clatter-${label}` });
    try {
      await child.waitForOutput(/listening on/, listenTimeoutMs);
    } catch (error) {
      await child.stop();
      throw error;
    }
    return new BenchEngine(lab, child, socketPath, cli);
  }

  /** The engine's node process (`ip netns exec` execs in place). */
  get pid(): number {
    return this.process.pid;
  }

  /** `clatter up`; resolves once the CLAT is running, or throws with what the engine said. */
  async up(): Promise<RunningStatus> {
    const status = await this.call('up');
    if (status.state !== 'running') throw new Error(`clatter up: the CLAT is ${status.state}: ${JSON.stringify(status)}\n${this.process.tail()}`);
    return status;
  }

  /** `clatter down`, then checks the CLAT left no TUN and no IPv4 default route behind. */
  async down(tun: string): Promise<void> {
    const status = await this.call('down');
    if (status.state !== 'off') throw new Error(`clatter down: the CLAT is ${status.state}`);
    const link = await this.lab.exec('host', ['ip', 'link', 'show', 'dev', tun], { check: false });
    if (link.code === 0) throw new Error(`clatter down left ${tun} behind`);
    const defaults = await this.lab.exec('host', ['ip', '-4', 'route', 'show', 'default']);
    if (defaults.stdout.trim() !== '') throw new Error(`clatter down left an IPv4 default route: ${defaults.stdout.trim()}`);
  }

  /** SIGTERM: the engine turns the CLAT off and exits. */
  async stop(): Promise<void> {
    const exit = await this.process.stop();
    if (exit.signal === 'SIGKILL') throw new Error(`clatter engine needed SIGKILL: ${this.process.tail()}`);
  }

  private async call(command: 'up' | 'down'): Promise<ClatStatus> {
    const argv = [process.execPath, this.cli, command, '--socket', this.socketPath, '--json'];
    const run = await this.lab.exec('host', argv, { check: false, timeoutMs: 30_000 });
    if (run.code !== 0) throw new Error(`clatter ${command} failed: ${run.stderr.trim() || run.stdout.trim()}\n${this.process.tail()}`);
    return JSON.parse(run.stdout) as ClatStatus;
  }
}

/** An engine that configurations turn on and off: BenchEngine, or FreshEngine. */
export interface TurnEngine {
  readonly pid: number;
  up(): Promise<RunningStatus>;
  down(tun: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A new engine process for each turn (`--fresh-engines`): started by up(), stopped after down().
 * What one process happens to get (its JIT's choices, its memory's layout) then varies from round
 * to round instead of biasing a whole run: with one process per build per run, builds compared
 * with themselves differed by up to 20 % on a row's median, every round on one side, and the
 * next run on another row.
 */
export class FreshEngine implements TurnEngine {
  private engine: BenchEngine | null = null;

  constructor(
    private readonly lab: Lab,
    private readonly options: EngineOptions,
  ) {}

  get pid(): number {
    if (this.engine === null) throw new Error('no engine is running between turns');
    return this.engine.pid;
  }

  async up(): Promise<RunningStatus> {
    this.engine = await BenchEngine.start(this.lab, this.options);
    return this.engine.up();
  }

  async down(tun: string): Promise<void> {
    const engine = this.engine;
    if (engine === null) return;
    try {
      await engine.down(tun);
    } finally {
      this.engine = null;
      await engine.stop();
    }
  }

  /** Stops a turn's engine that a failure left running. */
  async stop(): Promise<void> {
    const engine = this.engine;
    this.engine = null;
    await engine?.stop();
  }
}

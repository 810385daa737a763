// Our engine as `npm run bench:lab` drives it: one `clatter engine` process in the lab's host
// namespace for the whole run (its control socket and state in the lab's temp dir), turned on and
// off per round with `clatter up` / `clatter down` as a user would.
//
// Lifecycle: start() (process listening) → up() → running → down() → … → stop() (SIGTERM: the
// engine takes the CLAT down and restores the namespace itself). The lab's teardown kills it if
// the bench dies first.

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { ClatStatus } from '../../core/api/status.js';
import type { Lab } from '../../core/lab/lab.js';
import type { LabProcess } from '../../core/lab/lab-process.js';

const clatterBin = fileURLToPath(new URL('../../../bin/clatter.js', import.meta.url));
const listenTimeoutMs = 15_000;

export type RunningStatus = Extract<ClatStatus, { state: 'running' }>;

export class BenchEngine {
  private constructor(
    private readonly lab: Lab,
    private readonly process: LabProcess,
    private readonly socketPath: string,
  ) {}

  /**
   * `offload`, `workers`, `delivery`: the engine's `--offload` (TUN offloads; default on),
   * `--workers` (default 0) and `--delivery` (default auto).
   */
  static async start(lab: Lab, offload: 'on' | 'off' = 'on', workers = 0, delivery = 'auto'): Promise<BenchEngine> {
    const socketPath = join(lab.tempDir, 'engine.sock');
    const argv = [
      process.execPath, clatterBin, 'engine', '--socket', socketPath, '--state-dir', join(lab.tempDir, 'engine-state'),
      '--offload', offload, '--workers', String(workers), '--delivery', delivery,
    ];
    const child = lab.spawn('host', argv, { name: 'clatter-engine' });
    try {
      await child.waitForOutput(/listening on/, listenTimeoutMs);
    } catch (error) {
      await child.stop();
      throw error;
    }
    return new BenchEngine(lab, child, socketPath);
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
    const argv = [process.execPath, clatterBin, command, '--socket', this.socketPath, '--json'];
    const run = await this.lab.exec('host', argv, { check: false, timeoutMs: 30_000 });
    if (run.code !== 0) throw new Error(`clatter ${command} failed: ${run.stderr.trim() || run.stdout.trim()}\n${this.process.tail()}`);
    return JSON.parse(run.stdout) as ClatStatus;
  }
}

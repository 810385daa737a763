// Starts the privileged engine for a user who has none running: `pkexec <clatter> engine`, so
// polkit asks for an administrator's password (the action in
// packaging/polkit/org.clatter.engine.policy; with it installed the answer is remembered for a
// while, auth_admin_keep). pkexec execs the engine in its own process, so the child we spawn *is*
// the engine: detached from the shell, its output in a log file (a pipe to us would break when
// the shell quits), and left running when the shell quits.
//
// Success is the engine's socket appearing (a new one, not a stale file from a crashed run);
// failure is the child exiting first, reported by pkexec's exit codes (pkexec(1): 126 the user
// dismissed the dialog, 127 not authorized or an error) or with the engine's last log line.
// Everything comes back as a value.

import { spawn as nodeSpawn, type SpawnOptions } from 'node:child_process';
import { accessSync, constants, closeSync, openSync, readFileSync, statSync, mkdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { StartEngineResult } from '../../core/api/ui-schema.js';

/** The part of `child_process.spawn`'s child this needs. */
export interface StartedChild {
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  unref(): void;
}

export type Spawn = (command: string, args: readonly string[], options: SpawnOptions) => StartedChild;

export interface EngineStarterOptions {
  /** Absolute path of pkexec, or null when it is not installed (`findOnPath('pkexec')`). */
  readonly pkexecPath: string | null;
  /** Absolute path of the `clatter` command the engine runs as (the polkit action names it). */
  readonly clatterPath: string;
  readonly socketPath: string;
  /** Where the engine's stderr goes. */
  readonly logPath: string;
  /** How long to wait for the password and the socket (default 120 s). */
  readonly timeoutMs?: number;
  /** How often to look for the socket (default 200 ms). */
  readonly pollMs?: number;
  readonly spawn?: Spawn;
}

/** The first executable `name` on `PATH`, or null. */
export function findOnPath(name: string, path: string = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir === '' || !dir.startsWith('/')) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

/** The command line run for a start; pkexec's own agent is off because a GUI app has no terminal to ask on. */
export function engineCommandLine(options: Pick<EngineStarterOptions, 'clatterPath' | 'socketPath'>): string[] {
  return ['--disable-internal-agent', options.clatterPath, 'engine', '--socket', options.socketPath];
}

/** What an exit before the socket appeared means, for people. */
export function exitMessage(code: number | null, signal: NodeJS.Signals | null, lastLogLine: string | null): string {
  if (signal !== null) return `the engine was stopped by ${signal} before it was ready`;
  if (code === 126) return 'Starting the engine was cancelled: the password dialog was dismissed';
  if (code === 127) {
    return 'Not authorized to start the engine (wrong password, no polkit authentication agent running, or pkexec could not run clatter)';
  }
  const why = lastLogLine === null ? '' : `: ${lastLogLine}`;
  return `the engine exited with code ${code ?? 'unknown'} before it was ready${why}`;
}

type SocketId = { readonly ino: number; readonly mtimeMs: number } | null;

function socketId(path: string): SocketId {
  try {
    const stats = statSync(path);
    return stats.isSocket() ? { ino: stats.ino, mtimeMs: stats.mtimeMs } : null;
  } catch {
    return null;
  }
}

function lastLine(path: string): string | null {
  try {
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const line = lines[lines.length - 1]?.trim() ?? '';
    return line === '' ? null : line.slice(0, 300);
  } catch {
    return null;
  }
}

export class EngineStarter {
  private running: Promise<StartEngineResult> | null = null;

  constructor(private readonly options: EngineStarterOptions) {}

  get canStart(): boolean {
    return this.options.pkexecPath !== null;
  }

  get starting(): boolean {
    return this.running !== null;
  }

  /** One start at a time: a second click while the password dialog is up gets the same answer. */
  start(): Promise<StartEngineResult> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<StartEngineResult> {
    const { pkexecPath, socketPath, logPath } = this.options;
    if (pkexecPath === null) {
      return { ok: false, error: 'pkexec is not installed (Debian/Ubuntu: sudo apt install pkexec); or start the engine yourself: sudo clatter engine' };
    }
    const before = socketId(socketPath);
    let logFd: number;
    try {
      mkdirSync(dirname(logPath), { recursive: true });
      logFd = openSync(logPath, 'a', 0o600);
    } catch (error) {
      return { ok: false, error: `cannot open the engine's log ${logPath}: ${(error as Error).message}` };
    }
    const spawn = this.options.spawn ?? (nodeSpawn as unknown as Spawn);
    let child: StartedChild;
    try {
      child = spawn(pkexecPath, engineCommandLine(this.options), { detached: true, stdio: ['ignore', logFd, logFd] });
    } catch (error) {
      closeSync(logFd);
      return { ok: false, error: `cannot run ${pkexecPath}: ${(error as Error).message}` };
    }
    // The child has its own copy of the descriptor now.
    closeSync(logFd);
    child.unref();

    const timeoutMs = this.options.timeoutMs ?? 120_000;
    const pollMs = this.options.pollMs ?? 200;
    return new Promise<StartEngineResult>((resolve) => {
      let done = false;
      const finish = (result: StartEngineResult) => {
        if (done) return;
        done = true;
        clearInterval(poll);
        clearTimeout(timeout);
        resolve(result);
      };
      child.once('error', (error) => {
        const code = (error as NodeJS.ErrnoException).code;
        finish({ ok: false, error: code === 'ENOENT' ? `pkexec is not installed (no ${pkexecPath})` : `cannot run pkexec: ${error.message}` });
      });
      child.once('exit', (code, signal) => finish({ ok: false, error: exitMessage(code, signal, lastLine(logPath)) }));
      const poll = setInterval(() => {
        const now = socketId(socketPath);
        if (now !== null && (before === null || now.ino !== before.ino || now.mtimeMs !== before.mtimeMs)) finish({ ok: true });
      }, pollMs);
      const timeout = setTimeout(() => {
        finish({ ok: false, error: `no engine socket at ${socketPath} after ${Math.round(timeoutMs / 1000)} s; the engine's log is ${logPath}` });
      }, timeoutMs);
    });
  }
}

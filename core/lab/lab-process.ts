// A long-running process inside a lab namespace: a daemon of the lab itself, or one a test starts
// (tcpdump, a client). Its stdout and stderr are kept (the last part in memory, all of it in a log
// file when asked) so that readiness can be read from them and a failure can show them.
//
// Lifecycle: spawned → (waitForOutput resolves when a line appears) → exited, by itself or by stop().
// `ip netns exec` execs the command in place, so `pid` is the command's own pid. Whatever stop() does
// not get to, the lab's teardown does: it kills every process left in its namespaces.

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { childEnv, inNamespace } from './netns-command.js';

export interface SpawnOptions {
  /** Name used in errors and for the log file. */
  readonly name?: string;
  /** Append stdout and stderr to this file too. */
  readonly logPath?: string;
  /** Keep stdin open as a pipe (for processes driven by commands); default: no stdin. */
  readonly stdin?: boolean;
  /** The process's whole environment; default childEnv. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const keptOutputChars = 64 * 1024;
const stopGraceMs = 2_000;

export class LabProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ProcessExit>;
  private exitInfo: ProcessExit | null = null;
  private text = '';
  private readonly log: WriteStream | null;
  private readonly watchers = new Set<() => void>();

  constructor(ns: string, argv: readonly string[], options: SpawnOptions = {}) {
    const [file, ...args] = inNamespace(ns, argv);
    this.name = options.name ?? argv[0];
    this.log = options.logPath ? createWriteStream(options.logPath, { flags: 'a' }) : null;
    this.log?.on('error', () => {});
    this.child = spawn(file, args, { env: options.env ?? childEnv, stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    this.child.stdin?.on('error', () => {});
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error) => {
        this.append(`\n[lab: could not start: ${error.message}]\n`);
        this.finish({ code: null, signal: null }, resolve);
      });
      this.child.on('close', (code, signal) => this.finish({ code, signal }, resolve));
    });
    // spawn() reports a failed exec asynchronously; the pid of `ip netns exec` is there at once.
    this.pid = this.child.pid ?? -1;
    this.child.stdout?.on('data', (chunk: Buffer) => this.append(chunk.toString('utf8')));
    this.child.stderr?.on('data', (chunk: Buffer) => this.append(chunk.toString('utf8')));
  }

  /** The end of what the process printed (stdout and stderr interleaved). */
  get output(): string {
    return this.text;
  }

  /** Null while running. */
  get exit(): ProcessExit | null {
    return this.exitInfo;
  }

  /** Writes a line to the process's stdin (spawned with `stdin: true`). */
  writeLine(line: string): void {
    if (!this.child.stdin) throw new Error(`lab: ${this.name} has no stdin`);
    this.child.stdin.write(`${line}\n`);
  }

  /**
   * Resolves with the first match of `pattern` in the output (including what was printed before the
   * call); rejects when the process exits first or after `timeoutMs`, quoting its output.
   */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const match = this.text.match(pattern);
        if (match) {
          done();
          resolve(match);
          return true;
        }
        if (this.exitInfo) {
          done();
          reject(new Error(`lab: ${this.name} exited (${describeExit(this.exitInfo)}) before printing ${pattern}: ${this.tail()}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`lab: ${this.name} did not print ${pattern} within ${timeoutMs} ms: ${this.tail()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.watchers.delete(watcher);
      };
      const watcher = () => void check();
      if (!check()) this.watchers.add(watcher);
    });
  }

  /** SIGTERM (or `signal`), then SIGKILL if it is still there after 2 s; resolves when it has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ProcessExit> {
    if (this.exitInfo) return this.exitInfo;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), stopGraceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** The last lines of output, for error messages. */
  tail(chars = 1500): string {
    const text = this.text.trim();
    return text === '' ? '(no output)' : text.slice(-chars);
  }

  private append(text: string): void {
    this.log?.write(text);
    this.text = (this.text + text).slice(-keptOutputChars);
    for (const watcher of [...this.watchers]) watcher();
  }

  private finish(exit: ProcessExit, resolve: (exit: ProcessExit) => void): void {
    if (this.exitInfo) return;
    this.exitInfo = exit;
    this.log?.end();
    for (const watcher of [...this.watchers]) watcher();
    resolve(exit);
  }
}

export function describeExit(exit: ProcessExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

// Every command the lab runs goes through here, so the house rule is kept in one place: nothing may
// touch this machine's own network. Apart from `ip netns add|del|list|pids` (which make, remove or
// read namespaces), a command runs inside one of the lab's namespaces: `ip -n <ns> …` for ip itself,
// `ip netns exec <ns> argv` for anything else (which also bind-mounts /etc/netns/<ns>/*, ip-netns(8)).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface ExecOptions {
  /** Written to the command's stdin, which is then closed. */
  readonly input?: string;
  /** Killed (SIGKILL) after this long; default 30 s. */
  readonly timeoutMs?: number;
  /** Reject (or throw) when the command does not exit 0; default true. */
  readonly check?: boolean;
  /** The command's whole environment; default childEnv. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface ExecResult {
  /** Exit code, or null when a signal ended the command. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout as bytes, for binary output. */
  readonly stdoutBytes: Buffer;
}

export class LabCommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly result: ExecResult,
  ) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with ${result.code}`;
    const detail = result.stderr.trim() || result.stdout.trim();
    super(`lab: \`${argv.join(' ')}\` ${how}${detail ? `: ${detail.slice(0, 2000)}` : ''}`);
    this.name = 'LabCommandError';
  }
}

const defaultTimeoutMs = 30_000;

/** The daemons live in sbin directories that a non-login root shell may lack in PATH. */
export const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: [process.env.PATH, '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'].filter(Boolean).join(':'),
};

const ipBinary = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((path) => existsSync(path)) ?? 'ip';

/** argv that runs `argv` inside namespace `ns`. */
export function inNamespace(ns: string, argv: readonly string[]): string[] {
  return [ipBinary, 'netns', 'exec', ns, ...argv];
}

/** argv of `ip <args>` acting inside namespace `ns`. */
export function ipIn(ns: string, args: readonly string[]): string[] {
  return [ipBinary, '-n', ns, ...args];
}

/** argv of `ip netns <verb> …`: the only commands that run in the machine's own namespace. */
export function netnsVerb(verb: 'add' | 'del' | 'list' | 'pids', ...args: string[]): string[] {
  return [ipBinary, 'netns', verb, ...args];
}

/** Runs argv (built by one of the helpers above) and collects its output. */
export function exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env ?? childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? defaultTimeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(stdout);
      const result = { code, signal, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), stdoutBytes };
      if (options.check !== false && code !== 0) reject(new LabCommandError(argv, result));
      else resolve(result);
    });
    // A command that exits without reading its stdin must not fail us with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** exec, blocking: for teardown, which also runs from 'exit' and signal handlers. */
export function execSync(argv: readonly string[], options: ExecOptions = {}): ExecResult {
  const [file, ...args] = argv;
  const run = spawnSync(file, args, {
    env: options.env ?? childEnv,
    input: options.input ?? '',
    timeout: options.timeoutMs ?? defaultTimeoutMs,
    killSignal: 'SIGKILL',
  });
  if (run.error && (run.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw run.error;
  const stdoutBytes = run.stdout ?? Buffer.alloc(0);
  const result = { code: run.status, signal: run.signal, stdout: stdoutBytes.toString('utf8'), stderr: (run.stderr ?? Buffer.alloc(0)).toString('utf8'), stdoutBytes };
  if (options.check !== false && result.code !== 0) throw new LabCommandError(argv, result);
  return result;
}

// A throwaway copy of this machine's root to install a package into, never the machine itself:
// an overlay of / whose upper layer is a tmpfs, mounted in a private mount namespace that only a
// holder process (and what enters it) sees. Everything the package's install and purge write
// lands in the tmpfs and vanishes with the namespace.
//
// Lifecycle: create() → the holder (`unshare --mount --propagation private`, then `sleep`) mounts
// the tmpfs, the overlay at <dir>/root, a fresh /proc, /dev and a read-only /sys bound from the
// machine, tmpfs on /run and /tmp; prints "ready" → run()/command() enter its mount namespace
// (nsenter) and chroot into the root → destroy(): SIGKILL to the holder (its namespace and every
// mount in it go with it, nothing is unmounted on the machine's side), then the temp dir removed.
// Every mount is `mount -n`: /etc/mtab, where it is a file, stays as it was.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** What a path in the upper layer is, seen from the merged root. */
export interface UpperEntry {
  /** Absolute path inside the root. */
  readonly path: string;
  /** A whiteout (the path was deleted from the machine's files) or a file, directory or link. */
  readonly kind: 'whiteout' | 'file' | 'dir' | 'link' | 'other';
  /** Whether the machine's own root has the path (then the entry is a change, not a new path). */
  readonly inLower: boolean;
}

const readyTimeoutMs = 10_000;

/** apt-get with no package sources: in the throwaway root it installs what it is given from files, and never downloads. */
export const aptOffline = ['apt-get', '-o', 'Dir::Etc::SourceList=/dev/null', '-o', 'Dir::Etc::SourceParts=/dev/null'] as const;

export class ThrowawayRoot {
  /** The merged root, as a path in the holder's mount namespace (and only there). */
  readonly root: string;
  private readonly upper: string;

  private constructor(
    readonly dir: string,
    private readonly holder: ChildProcess,
  ) {
    this.root = join(dir, 'root');
    this.upper = join(dir, 'layers', 'upper');
  }

  static async create(): Promise<ThrowawayRoot> {
    const dir = mkdtempSync(join(tmpdir(), 'clatter-root-'));
    mkdirSync(join(dir, 'root'));
    mkdirSync(join(dir, 'layers'));
    // The upper and work directories on a tmpfs of their own: overlayfs refuses an upper layer
    // inside its lower one (here /), and a tmpfs leaves no trace on the machine's disk.
    const script = `set -e
cd "$1"
mount -n -t tmpfs -o mode=0700,size=1g clatter-throwaway layers
mkdir layers/upper layers/work
mount -n -t overlay clatter-throwaway -o lowerdir=/,upperdir=layers/upper,workdir=layers/work root
mount -n -t proc proc root/proc
mount -n --bind /dev root/dev
mount -n --bind /dev/pts root/dev/pts
mount -n --bind /sys root/sys
mount -n -o remount,bind,ro root/sys
mount -n -t tmpfs -o mode=0755 run root/run
mount -n -t tmpfs -o mode=1777 tmp root/tmp
echo ready
read _ || true`;
    // The holder keeps the mount namespace (and so the root) until its stdin closes: when destroy()
    // ends it, and also when this process dies however it dies, nothing of it is left mounted.
    const holder = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'throwaway-root', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    const made = new ThrowawayRoot(dir, holder);
    try {
      await new Promise<void>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`the throwaway root was not ready in ${readyTimeoutMs} ms: ${output}`)), readyTimeoutMs);
        const take = (chunk: Buffer) => {
          output += chunk.toString('utf8');
          if (/^ready$/m.test(output)) {
            clearTimeout(timer);
            resolve();
          }
        };
        holder.stdout?.on('data', take);
        holder.stderr?.on('data', take);
        holder.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`the throwaway root's holder exited (${code}): ${output}`));
        });
      });
    } catch (error) {
      await made.destroy();
      throw error;
    }
    return made;
  }

  /** argv that runs `argv` inside the root (its mount namespace, chrooted); prefix it with more namespaces as needed. */
  command(argv: readonly string[]): string[] {
    return ['nsenter', `--mount=/proc/${this.holder.pid}/ns/mnt`, 'chroot', this.root, ...argv];
  }

  /** Copies a file of the machine into the root (at `pathInRoot`, through the holder's view). */
  copyIn(source: string, pathInRoot: string): void {
    copyFileSync(source, `/proc/${this.holder.pid}/root${this.root}${pathInRoot}`);
  }

  /** Runs argv inside the root and collects its output (never throws on a non-zero exit). */
  run(argv: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): RunResult {
    const [file, ...args] = this.command(argv);
    const env = options.env ?? { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive' };
    const result = spawnSync(file, args, { encoding: 'utf8', timeout: options.timeoutMs ?? 120_000, env, maxBuffer: 64 << 20 });
    return { code: result.status, stdout: result.stdout ?? '', stderr: (result.stderr ?? '') + (result.error ? `\n${result.error.message}` : '') };
  }

  /** Like run(), but throws with the output when the exit is not 0. */
  check(argv: readonly string[], options: { timeoutMs?: number } = {}): string {
    const result = this.run(argv, options);
    if (result.code !== 0) throw new Error(`${argv.join(' ')} exited ${result.code} in the throwaway root:\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  }

  /**
   * Every path of the upper layer: what was written into the root since it was made. Read through
   * the holder's namespace (/proc/<pid>/root), since the tmpfs is mounted only there.
   */
  upperEntries(): UpperEntry[] {
    const base = `/proc/${this.holder.pid}/root${this.upper}`;
    const entries: UpperEntry[] = [];
    const walk = (relative: string) => {
      for (const name of readdirSync(join(base, relative))) {
        const path = `${relative}/${name}`;
        const stat = lstatSync(join(base, path));
        // overlayfs(5): a whiteout is a character device 0/0.
        const kind: UpperEntry['kind'] = stat.isCharacterDevice() && stat.rdev === 0 ? 'whiteout' : stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : stat.isSymbolicLink() ? 'link' : 'other';
        entries.push({ path, kind, inLower: existsOnMachine(path) });
        if (kind === 'dir') walk(path);
      }
    };
    walk('');
    return entries;
  }

  /**
   * Ends the namespace (and with it every mount) and removes the temp dir. Idempotent. Processes
   * that entered the root (an engine) must have ended first, or they keep the namespace alive.
   */
  async destroy(): Promise<void> {
    if (this.holder.exitCode === null && this.holder.signalCode === null) {
      const exited = new Promise((resolve) => this.holder.once('exit', resolve));
      this.holder.kill('SIGKILL');
      await exited;
    }
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }
}

function existsOnMachine(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

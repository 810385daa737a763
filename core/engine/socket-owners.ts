// Which process holds a socket: every open descriptor is a symlink /proc/<pid>/fd/<n>, and a
// socket's reads `socket:[<inode>]`, the inode sock_diag and /proc/net report. There is no index
// the other way, so finding an inode means reading the descriptors of processes, as `ss -p` and
// `lsof` do. To keep that cheap and the event loop free:
// - the processes that owned the last sockets are looked at first (a program opening many
//   connections is usually the next one to open another), then the others newest first (a
//   program that just started is the likeliest owner of a new flow, and the likeliest to exit);
// - one call looks for many inodes at once, and stops as soon as all are found;
// - the full walk over /proc goes a slice of processes at a time, yielding to the event loop
//   between slices (synchronous reads inside a slice are a few microseconds each).
// A socket shared by several processes (inherited over fork) is reported for the first found.

import { readdirSync, readlinkSync } from 'node:fs';

const recentLimit = 8;

export class SocketOwners {
  private recentPids: number[] = [];

  /**
   * @param procRoot where procfs is mounted
   * @param pidsPerSlice processes read before yielding to the event loop
   */
  constructor(
    private readonly procRoot = '/proc',
    private readonly pidsPerSlice = 32,
  ) {}

  /** The pid holding each of `inodes` that some process holds (inode → pid). */
  async find(inodes: ReadonlySet<number>): Promise<Map<number, number>> {
    const found = new Map<number, number>();
    if (inodes.size === 0) return found;
    const tried = new Set<number>();
    for (const pid of this.recentPids) {
      tried.add(pid);
      this.readPid(pid, inodes, found);
    }
    if (found.size < inodes.size) {
      let pids: number[];
      try {
        // Newest first: a new flow is most often a program that just started (curl, ping), which
        // may exit within milliseconds, taking its socket with it. Pids grow until they wrap.
        pids = readdirSync(this.procRoot).filter((name) => /^\d+$/.test(name)).map(Number).sort((a, b) => b - a);
      } catch {
        pids = [];
      }
      let inSlice = 0;
      for (const pid of pids) {
        if (found.size === inodes.size) break;
        if (tried.has(pid)) continue;
        this.readPid(pid, inodes, found);
        if (++inSlice === this.pidsPerSlice) {
          inSlice = 0;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    }
    this.remember([...found.values()]);
    return found;
  }

  private readPid(pid: number, inodes: ReadonlySet<number>, found: Map<number, number>): void {
    const dir = `${this.procRoot}/${pid}/fd`;
    let fds: string[];
    try {
      fds = readdirSync(dir);
    } catch {
      return; // gone, or not ours to read
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`${dir}/${fd}`);
      } catch {
        continue;
      }
      if (!link.startsWith('socket:[')) continue;
      const inode = Number(link.slice(8, -1));
      if (inodes.has(inode) && !found.has(inode)) found.set(inode, pid);
    }
  }

  private remember(pids: number[]): void {
    if (pids.length === 0) return;
    const fresh = [...new Set(pids)];
    this.recentPids = [...fresh, ...this.recentPids.filter((pid) => !fresh.includes(pid))].slice(0, recentLimit);
  }
}

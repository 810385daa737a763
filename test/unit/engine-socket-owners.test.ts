// Which process holds a socket inode, read from a procfs laid out in a temporary directory:
// /<pid>/fd/<n> symlinks to `socket:[<inode>]`, as the kernel shows them.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SocketOwners } from '../../core/engine/socket-owners.js';

const roots: string[] = [];

/** A fake /proc: each pid with its descriptors' link targets. */
function fakeProc(processes: Record<number, string[]>): string {
  const root = mkdtempSync(join(tmpdir(), 'clatter-proc-'));
  roots.push(root);
  mkdirSync(join(root, 'self')); // not a pid: skipped
  for (const [pid, links] of Object.entries(processes)) {
    mkdirSync(join(root, pid, 'fd'), { recursive: true });
    links.forEach((target, fd) => symlinkSync(target, join(root, pid, 'fd', String(fd))));
  }
  return root;
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('socket owners', () => {
  it('finds the holders of many inodes in one walk, over slices', async () => {
    const processes: Record<number, string[]> = {};
    for (let pid = 1; pid <= 100; pid++) processes[pid] = ['/dev/null', `socket:[${1000 + pid}]`, 'pipe:[7]'];
    const owners = new SocketOwners(fakeProc(processes), 8);
    const found = await owners.find(new Set([1003, 1077, 1100, 9999]));
    expect(found).toEqual(new Map([[1100, 100], [1077, 77], [1003, 3]]));
  });

  it('looks at the newest processes first: a shared socket is named for the latest holder', async () => {
    // A socket inherited over fork: the parent (pid 10) and the program it started (pid 4000).
    const owners = new SocketOwners(fakeProc({ 10: ['socket:[555]'], 4000: ['socket:[555]'], 900: ['socket:[556]'] }));
    expect(await owners.find(new Set([555]))).toEqual(new Map([[555, 4000]]));
  });

  it('asks the last owners first, before the walk', async () => {
    const owners = new SocketOwners(fakeProc({ 10: ['socket:[555]', 'socket:[600]'], 4000: ['socket:[555]'] }));
    expect(await owners.find(new Set([600]))).toEqual(new Map([[600, 10]]));
    // Pid 10 was the last owner: asked before the newest-first walk would reach 4000.
    expect(await owners.find(new Set([555]))).toEqual(new Map([[555, 10]]));
  });
});

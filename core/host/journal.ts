// The undo journal. Every change the engine makes to the host is written here, and flushed to
// disk, before it is made; stopping undoes the entries in reverse order and empties the journal.
// After a crash or kill -9, the next start finds the journal non-empty and undoes it first.
//
// An entry says how to undo, not what was done: an `ip` or `nft` command to run, or a sysctl value
// to put back. Undoing must be harmless when the change was never made (the process may have died between
// writing the entry and making the change) or has already gone (a route that left with its device):
// "not found" answers from `ip` are therefore not errors here.

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './run-command.js';
import { writeSysctl } from './sysctl.js';

export type JournalEntry =
  | { readonly kind: 'ip' | 'nft'; readonly undo: readonly string[]; readonly what: string }
  | { readonly kind: 'sysctl'; readonly key: string; readonly previous: string; readonly what: string };

const fileName = 'host-journal.jsonl';

/** `ip` errors that mean the thing to remove is already gone. */
const alreadyGone = /No such|Cannot find device|does not exist|not found|Cannot assign requested address|ESRCH|RTNETLINK answers: No such process/i;

export class HostJournal {
  private readonly path: string;

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true, mode: 0o750 });
    this.path = join(stateDir, fileName);
  }

  /** Entries left by a previous run, oldest first (empty when it stopped cleanly). */
  pending(): JournalEntry[] {
    if (!existsSync(this.path)) return [];
    const entries: JournalEntry[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        entries.push(JSON.parse(line) as JournalEntry);
      } catch {
        // A line cut short by a crash while writing: its change was never made.
      }
    }
    return entries;
  }

  /** Records an entry durably; call before making the change it undoes. */
  record(entry: JournalEntry): void {
    const fd = openSync(this.path, 'a', 0o640);
    try {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Undoes every entry, newest first, then empties the journal. Returns the problems met. */
  async undoAll(log: (line: string) => void): Promise<string[]> {
    const problems: string[] = [];
    const entries = this.pending();
    for (let i = entries.length - 1; i >= 0; i--) {
      const problem = await undoEntry(entries[i]);
      if (problem !== undefined) {
        problems.push(problem);
        log(`undo failed: ${problem}`);
      }
    }
    rmSync(this.path, { force: true });
    return problems;
  }
}

async function undoEntry(entry: JournalEntry): Promise<string | undefined> {
  if (entry.kind === 'sysctl') {
    const written = writeSysctl(entry.key, entry.previous);
    // ENOENT: the interface is gone (the TUN closes with the engine), and its settings with it.
    return written.ok || written.error.includes('ENOENT') ? undefined : `${entry.what}: ${written.error}`;
  }
  const result = await runCommand(entry.kind, entry.undo);
  if (result.ok || alreadyGone.test(result.error)) return undefined;
  return `${entry.what}: ${result.error}`;
}

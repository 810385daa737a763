// The machine's processes, read from /proc, for tests that check nothing was left running.

import { readdirSync, readFileSync } from 'node:fs';

/** Running (not exited, not a zombie waiting to be reaped). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** Running processes other than this one whose command line mentions `text`, as "pid argv" (readable in a failure). */
export function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number)) {
    if (pid === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (argv.includes(text) && running(pid)) found.push(`${pid} ${argv}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

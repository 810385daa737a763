// Who a process is, for the flow list: its executable (/proc/<pid>/exe), its arguments
// (/proc/<pid>/cmdline, NUL-separated) and the user name of a uid (/etc/passwd, proc(5) and
// passwd(5)). Read when a socket is first attributed, never on the packet path.

import { readFileSync, readlinkSync } from 'node:fs';
import type { FlowProgram } from '../observe/flow-info.js';

/** /etc/passwd is read again for an unknown uid at most this often. */
const passwdRereadMs = 10_000;

export class ProcessIdentity {
  private users = new Map<number, string>();
  private passwdReadAtMs = -Infinity;

  constructor(
    private readonly procRoot = '/proc',
    private readonly passwdPath = '/etc/passwd',
  ) {}

  /** The program of `pid`, its socket owned by `uid`; null when the process is gone. */
  program(pid: number, uid: number): FlowProgram | null {
    const dir = `${this.procRoot}/${pid}`;
    let executable: string | undefined;
    try {
      executable = readlinkSync(`${dir}/exe`);
    } catch {
      // kernel threads have none; another user's process without CAP_SYS_PTRACE is unreadable
    }
    if (executable === undefined) {
      try {
        executable = readFileSync(`${dir}/comm`, 'utf8').trim();
      } catch {
        return null;
      }
    }
    let commandLine: string[] = [];
    try {
      commandLine = readFileSync(`${dir}/cmdline`, 'utf8').split('\0');
      if (commandLine.at(-1) === '') commandLine.pop();
    } catch {
      // exited between the two reads: keep the executable
    }
    return { pid, executable, commandLine, user: this.userName(uid), uid };
  }

  /** The name /etc/passwd gives `uid`, or the number as text. */
  userName(uid: number, nowMs = Date.now()): string {
    let name = this.users.get(uid);
    if (name === undefined && nowMs - this.passwdReadAtMs >= passwdRereadMs) {
      this.passwdReadAtMs = nowMs;
      this.users = readPasswd(this.passwdPath);
      name = this.users.get(uid);
    }
    return name ?? String(uid);
  }
}

/** uid → name from a passwd(5) file (name:password:uid:gid:gecos:home:shell); empty if unreadable. */
export function readPasswd(path: string): Map<number, string> {
  const users = new Map<number, string>();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return users;
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length < 3 || fields[0] === '' || !/^\d+$/.test(fields[2])) continue;
    const uid = Number(fields[2]);
    if (!users.has(uid)) users.set(uid, fields[0]);
  }
  return users;
}

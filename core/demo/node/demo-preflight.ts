// What `clatter demo` checks before it creates anything: root (network namespaces need it), the
// Debian packages of the lab's peers (named, so the fix is one apt-get line), the demo's own call
// app (built by npm install), /dev/net/tun, and that no other demo runs. A dead demo's leftovers
// are not a reason to refuse: they are removed first.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { missingLabPackages } from '../../lab/required-packages.js';
import { demoRuns, readDemoRecord } from './demo-files.js';

export type Preflight = { readonly ok: true; readonly staleDemo: boolean } | { readonly ok: false; readonly problems: readonly string[] };

export function preflight(packageDir: string): Preflight {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('it needs root to create network namespaces: sudo npx clatter demo');
  const missing = missingLabPackages();
  if (missing.length > 0) {
    // The script keeps Debian from starting their services (unbound, radvd) on this machine.
    problems.push(`missing Debian packages for the demo network (${missing.join(' ')}): sudo sh ${join(packageDir, 'scripts', 'ensure-test-tools.sh')} --lab-only`);
  }
  if (!existsSync(join(packageDir, 'build', 'Release', 'clatter-call'))) problems.push('the demo call app is not built: run npm install (it needs build-essential)');
  if (!existsSync('/dev/net/tun')) problems.push('no /dev/net/tun: the kernel has no TUN support (modprobe tun)');
  const record = readDemoRecord();
  if (record !== null && demoRuns(record.pid)) {
    problems.push(`a demo is already running (pid ${record.pid})${record.url !== null ? ` at ${record.url}` : ''}: stop it with sudo clatter demo --down`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, staleDemo: record !== null };
}

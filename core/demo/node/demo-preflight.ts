// What `clatter demo` checks before it creates anything: root (network namespaces need it), the
// Debian packages of the lab's peers (named, with the one command that installs them), the demo's
// own call app (built by npm install) and /dev/net/tun. Whether another demo runs is the lock's
// business (demo-lock.ts).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { missingLabPackages } from '../../lab/required-packages.js';
import { callBinaryFile } from '../../install/package-root.js';

export type Preflight = { readonly ok: true } | { readonly ok: false; readonly problems: readonly string[] };

export function preflight(packageDir: string): Preflight {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('it needs root to create network namespaces: sudo npx clatter demo');
  const missing = missingLabPackages();
  if (missing.length > 0) {
    // The script keeps Debian from starting their services (unbound, radvd) on this machine.
    problems.push(`missing Debian packages for the demo network (${missing.join(' ')}): sudo sh ${join(packageDir, 'scripts', 'ensure-test-tools.sh')} --lab-only`);
  }
  if (!existsSync(join(packageDir, callBinaryFile))) problems.push('the demo call app is not built: run npm install (it needs build-essential)');
  if (!existsSync('/dev/net/tun')) problems.push('no /dev/net/tun: the kernel has no TUN support (modprobe tun)');
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true };
}

// Where Clatter is installed: the nearest directory above this module with Clatter's package.json.
// The same answer from the compiled code (dist/core/…) and from the sources vitest runs (core/…).
// What `npm install` builds there (binding.gyp): the addon and the demo's call app.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageRoot {
  readonly dir: string;
  readonly version: string;
}

/** The addon core/tun loads, under the package root. */
export const addonFile = join('build', 'Release', 'clatter_native.node');
/** The demo's call app (core/demo/native/clatter-call.c), under the package root. */
export const callBinaryFile = join('build', 'Release', 'clatter-call');

export function findPackageRoot(from = dirname(fileURLToPath(import.meta.url))): PackageRoot {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'clatter') return { dir, version: typeof manifest.version === 'string' ? manifest.version : '0.0.0' };
    } catch {
      // No package.json here (or not ours): keep going up.
    }
    if (dirname(dir) === dir) throw new Error(`no Clatter package.json above ${from}`);
  }
}

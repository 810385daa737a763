// Where Clatter is installed: the nearest directory above this module with Clatter's package.json.
// The same answer from the compiled code (dist/core/…) and from the sources vitest runs (core/…).

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageRoot {
  readonly dir: string;
  readonly version: string;
}

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

// What this copy of Clatter is: its version (package.json), the commit it was built from, and the
// ABI its addon was built for. A package build (scripts/build-deb.sh) writes the commit into
// build-info.json at the package root, since an installed copy has no git history to ask; a source
// checkout asks git.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nativeAddon } from '../tun/native-addon.js';
import { addonFile, findPackageRoot } from './package-root.js';

/** The file the package build writes at the package root: `{ "commit": "<40 hex digits>" }`. */
export const buildInfoFile = 'build-info.json';

export interface BuildInfo {
  readonly version: string;
  /** The git commit the files were built from; null when neither build-info.json nor git knows. */
  readonly commit: string | null;
  /** Whether the commit came from the package build or from the checkout's git. */
  readonly commitSource: 'package' | 'git' | null;
  readonly node: {
    readonly version: string;
    /** NODE_MODULE_VERSION: the ABI of non-Node-API addons (ours is Node-API, so it need not match). */
    readonly modulesAbi: string;
    /** The highest Node-API version this Node offers. */
    readonly napiVersion: number;
  };
  readonly addon:
    | { readonly ok: true; readonly path: string; readonly napiVersion: number }
    | { readonly ok: false; readonly path: string; readonly error: string };
}

export function readBuildInfo(): BuildInfo {
  const root = findPackageRoot();
  const fromPackage = commitFromBuildInfo(root.dir);
  const commit = fromPackage ?? commitFromGit(root.dir);
  return {
    version: root.version,
    commit,
    commitSource: fromPackage !== null ? 'package' : commit !== null ? 'git' : null,
    node: { version: process.versions.node, modulesAbi: process.versions.modules, napiVersion: Number(process.versions.napi) },
    addon: addonAbi(join(root.dir, addonFile)),
  };
}

function commitFromBuildInfo(dir: string): string | null {
  try {
    const info = JSON.parse(readFileSync(join(dir, buildInfoFile), 'utf8')) as { commit?: unknown };
    return typeof info.commit === 'string' && /^[0-9a-f]{7,40}$/.test(info.commit) ? info.commit : null;
  } catch {
    return null;
  }
}

function commitFromGit(dir: string): string | null {
  if (!existsSync(join(dir, '.git'))) return null;
  try {
    const out = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim();
    return /^[0-9a-f]{40}$/.test(out) ? out : null;
  } catch {
    return null;
  }
}

/** Loads the addon (as the engine would) and reads the Node-API version it was built for. */
function addonAbi(path: string): BuildInfo['addon'] {
  if (!existsSync(path)) return { ok: false, path, error: 'not built (npm install builds it)' };
  try {
    return { ok: true, path, napiVersion: nativeAddon().constants.NAPI_VERSION };
  } catch (error) {
    return { ok: false, path, error: (error as Error).message.split('\n')[0] };
  }
}

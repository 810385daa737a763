// The layers of STYLE.md, checked on every import in the tree (the "lint rule on restricted
// imports"): the engine (core/) knows nothing of Electron, React or the renderer; the standard-only
// parts of core import no Node; the renderer imports no Node and no Electron, and of core only the
// standard-only parts; the shell (electron/) takes from core only the API contract and its client.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../core/install/package-root.js';

const root = findPackageRoot().dir;

function sources(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(root, dir))) {
    const path = join(dir, entry);
    if (statSync(join(root, path)).isDirectory()) found.push(...sources(path));
    else if (/\.(ts|tsx)$/.test(entry) && !entry.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** Every module a file imports or re-exports, resolved to a path from the root when relative. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)].map((match) => match[1] ?? match[2]);
  return specifiers.map((specifier) => (specifier.startsWith('.') ? relative(root, join(root, file, '..', specifier)) : specifier));
}

/** The files among `files` with an import that `allowed` refuses, as "file → import". */
function violations(files: string[], allowed: (target: string) => boolean): string[] {
  return files.flatMap((file) => importsOf(file).filter((target) => !allowed(target)).map((target) => `${file} → ${target}`));
}

/** The standard-only folders, as tsconfig.std.json lists them: all of each but its node/ and native/ parts. */
const standardOnly = ['core/wire/', 'core/xlat/', 'core/capture/', 'core/api/', 'core/observe/', 'core/discovery/', 'core/demo/'];
const isStandardOnlyFile = (file: string) => standardOnly.some((dir) => file.startsWith(dir)) && !/\/(node|native)\//.test(file);

describe('layers (STYLE.md)', () => {
  const core = sources('core');

  it('core imports nothing of Electron, React or the renderer', () => {
    expect(violations(core, (target) => !/^(electron|react|react-dom|zustand|recharts|@tanstack\/)/.test(target) && !target.startsWith('renderer/') && !target.startsWith('electron/'))).toEqual([]);
  });

  it('the standard-only parts of core import no Node and only each other', () => {
    const files = core.filter((file) => isStandardOnlyFile(file) && !file.includes('/node/') && !file.includes('/native/'));
    expect(files.length).toBeGreaterThan(50);
    expect(violations(files, (target) => !target.startsWith('node:') && target.startsWith('core/') && isStandardOnlyFile(target.replace(/\.js$/, '.ts')))).toEqual([]);
  });

  it('the renderer imports no Node, no Electron, and only standard-only core', () => {
    const files = sources('renderer');
    expect(violations(files, (target) => {
      if (target.startsWith('node:') || target === 'electron') return false;
      if (target.startsWith('core/')) return isStandardOnlyFile(target.replace(/\.js$/, '.ts'));
      return true;
    })).toEqual([]);
  });

  it('the shell takes from core only the API contract and its client', () => {
    const files = sources('electron');
    expect(violations(files, (target) => !target.startsWith('core/') || target.startsWith('core/api/') || target.startsWith('core/client/'))).toEqual([]);
    expect(violations(files, (target) => !target.startsWith('renderer/'))).toEqual([]);
  });
});

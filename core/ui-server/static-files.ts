// The built renderer (dist/renderer), served read-only: only files under its directory, by
// their extension's type, never a listing. Assets carry a content hash in their names, so they
// may be cached; index.html may not (it names the current assets).

import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
  readonly cacheable: boolean;
}

/** The file at URL path `path` (e.g. "/assets/index-abc.js"), or null when there is none. */
export async function readStaticFile(root: string, path: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const full = normalize(join(root, relative));
  if (!full.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  const contentType = contentTypes[extname(full)];
  if (contentType === undefined) return null;
  try {
    if (!(await stat(full)).isFile()) return null;
    return { body: await readFile(full), contentType, cacheable: relative.startsWith('assets/') };
  } catch {
    return null;
  }
}

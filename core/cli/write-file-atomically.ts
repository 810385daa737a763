// Output files appear whole or not at all: written to a temporary file beside the target, then
// renamed over it (rename is atomic within a file system).

import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describeSystemError } from './command.js';

export async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<{ ok: true } | { ok: false; error: string }> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, bytes, { flag: 'wx' });
    await rename(temporary, path);
    return { ok: true };
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    return { ok: false, error: describeSystemError(error) };
  }
}

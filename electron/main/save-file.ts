// host.saveFile: the renderer hands over a file (a pcapng export, base64) and a suggested name
// that the schema has already checked is a plain name; the user picks where it goes in a save
// dialog; main writes it. The renderer never names a path itself.

import { writeFile as fsWriteFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SaveFileRequest, SaveFileResult } from '../../core/api/ui-schema.js';

export interface SaveFileDeps {
  /** Shows the dialog with a suggested path; null when the user cancelled. */
  readonly choosePath: (suggestedPath: string) => Promise<string | null>;
  /** The folder the dialog starts in (Electron: the Downloads folder). */
  readonly defaultDir: string;
  readonly writeFile?: (path: string, data: Uint8Array) => Promise<void>;
}

export async function saveFile(request: SaveFileRequest, deps: SaveFileDeps): Promise<SaveFileResult> {
  let path: string | null;
  try {
    path = await deps.choosePath(join(deps.defaultDir, request.name));
  } catch (error) {
    return { ok: false, error: `cannot show the save dialog: ${(error as Error).message}` };
  }
  if (path === null) return { ok: true, saved: false, path: null };
  try {
    await (deps.writeFile ?? fsWriteFile)(path, Buffer.from(request.base64, 'base64'));
    return { ok: true, saved: true, path };
  } catch (error) {
    return { ok: false, error: `cannot write ${path}: ${(error as Error).message}` };
  }
}

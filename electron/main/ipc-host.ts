// The main process's end of the renderer IPC (STYLE.md: the Mullvad pattern). One `ipcMain.handle`
// per invoke channel, the list derived from the schema in core/api/ui-schema.ts; every message is
// checked twice before a handler sees it: it must come from our window's main frame (not a
// subframe, not another window or webContents), and then core/api/ui-dispatch.ts checks its
// channel and argument against the schema, as `clatter ui` does. Handlers get only validated arguments. Refusals and handler failures go back as values
// (electron/ipc-reply.ts); nothing thrown crosses the boundary.
//
// Notify channels go the other way (`session.link`, `session.update`): `sendNotify` is the one
// typed way to push them, so a payload cannot drift from the schema.

import { uiChannels, type InvokeHandlers, type NotifyChannel, type NotifyPayload } from '../../core/api/ui-schema.js';
import { dispatchInvoke } from '../../core/api/ui-dispatch.js';
import type { IpcMainInvokeEvent } from 'electron';
import type { IpcReply } from '../ipc-reply.js';

/** The part of Electron's `ipcMain` this needs (tests pass a fake). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<IpcReply>): void;
  removeHandler(channel: string): void;
}

/** Whether a message comes from our window's own main frame (window.ts: `isOwnMainFrame`). */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/** Registers every invoke channel; returns the function that unregisters them. */
export function registerIpcHost(ipcMain: IpcMainLike, handlers: InvokeHandlers, isTrustedSender: SenderCheck, log: (line: string) => void = () => {}): () => void {
  for (const channel of uiChannels.invoke) {
    ipcMain.handle(channel, (event, ...args) => handleInvoke(channel, event, args, handlers, isTrustedSender, log));
  }
  return () => {
    for (const channel of uiChannels.invoke) ipcMain.removeHandler(channel);
  };
}

/** One invoke message, checked and routed; exported for the tests and for nothing else. */
export async function handleInvoke(
  channel: string,
  event: IpcMainInvokeEvent,
  args: readonly unknown[],
  handlers: InvokeHandlers,
  isTrustedSender: SenderCheck,
  log: (line: string) => void,
): Promise<IpcReply> {
  if (!isTrustedSender(event)) {
    log(`ipc: refused ${channel} from a frame that is not our window's main frame`);
    return { ok: false, error: 'refused: not from the Clatter window' };
  }
  // The preload sends exactly one argument; anything else did not come through it.
  if (args.length > 1) return { ok: false, error: `${channel} takes one argument` };
  const outcome = await dispatchInvoke(handlers, channel, args[0]);
  if (outcome.ok) return outcome;
  switch (outcome.refused) {
    case 'unknown-channel':
      return { ok: false, error: outcome.error };
    case 'bad-argument':
      return { ok: false, error: `${channel}: ${outcome.error}` };
    case 'failed':
      // A handler should answer with values; a throw is a bug, reported without its stack.
      log(`ipc: ${channel} failed: ${(outcome.thrown as Error).stack ?? String(outcome.thrown)}`);
      return { ok: false, error: `${channel} failed: ${outcome.error}` };
  }
}

/** The part of `WebContents` that `sendNotify` uses. */
export interface NotifyTarget {
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

export function sendNotify<C extends NotifyChannel>(target: NotifyTarget | null, channel: C, payload: NotifyPayload<C>): void {
  if (target === null || target.isDestroyed()) return;
  target.send(channel, payload);
}

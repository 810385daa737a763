// The main process's end of the renderer IPC (STYLE.md: the Mullvad pattern). One `ipcMain.handle`
// per invoke channel, the list derived from the schema in core/api/ui-schema.ts; every message is
// checked twice before a handler sees it: it must come from our window's main frame (not a
// subframe, not another window or webContents), and its argument must pass the schema's parser.
// Handlers get only validated arguments. Refusals and handler failures go back as values
// (electron/ipc-reply.ts); nothing thrown crosses the boundary.
//
// Notify channels go the other way (`session.link`, `session.update`): `sendNotify` is the one
// typed way to push them, so a payload cannot drift from the schema.

import {
  isInvokeChannel,
  parseInvokeArg,
  uiChannels,
  type InvokeArg,
  type InvokeChannel,
  type InvokeHandlers,
  type NotifyChannel,
  type NotifyPayload,
} from '../../core/api/ui-schema.js';
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
  if (!isInvokeChannel(channel)) return { ok: false, error: `unknown channel ${JSON.stringify(channel)}` };
  // The preload sends exactly one argument; anything else did not come through it.
  if (args.length > 1) return { ok: false, error: `${channel} takes one argument` };
  const parsed = parseInvokeArg(channel, args[0]);
  if (!parsed.ok) return { ok: false, error: `${channel}: ${parsed.error}` };
  const handler = handlers[channel] as (arg: InvokeArg<InvokeChannel>) => Promise<unknown>;
  try {
    const result = await handler(parsed.value);
    return { ok: true, result: result ?? null };
  } catch (error) {
    // A handler should answer with values; a throw is a bug, reported without its stack.
    log(`ipc: ${channel} failed: ${(error as Error).stack ?? String(error)}`);
    return { ok: false, error: `${channel} failed: ${(error as Error).message}` };
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

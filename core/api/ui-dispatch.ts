// One invoke message, routed: what both UI hosts (the Electron main process, electron/main/
// ipc-host.ts, and `clatter ui`, core/ui-server/ui-server.ts) do with a channel name and an
// argument once their own transport has checked who sent it. The channel must be one of the
// schema's invoke channels, the argument must pass that channel's parser, and only then does the
// handler see it. Every outcome is a value; each host turns a refusal into its own form (an IPC
// reply, an HTTP status).

import { isInvokeChannel, parseInvokeArg, type InvokeArg, type InvokeChannel, type InvokeHandlers } from './ui-schema.js';

export type InvokeOutcome =
  /** The handler's result (`null` for a handler that returns nothing). */
  | { readonly ok: true; readonly result: unknown }
  /** Not a channel of the schema's, or an argument its parser refused: the handler was not called. */
  | { readonly ok: false; readonly refused: 'unknown-channel' | 'bad-argument'; readonly error: string }
  /** The handler threw: a bug, since handlers answer with values. */
  | { readonly ok: false; readonly refused: 'failed'; readonly error: string; readonly thrown: unknown };

export async function dispatchInvoke(handlers: InvokeHandlers, channel: string, arg: unknown): Promise<InvokeOutcome> {
  if (!isInvokeChannel(channel)) return { ok: false, refused: 'unknown-channel', error: `unknown channel ${JSON.stringify(channel)}` };
  const parsed = parseInvokeArg(channel, arg);
  if (!parsed.ok) return { ok: false, refused: 'bad-argument', error: parsed.error };
  // The one place a channel's handler meets its argument: both are the channel's, by the schema.
  const handler = handlers[channel] as (arg: InvokeArg<InvokeChannel>) => Promise<unknown>;
  try {
    const result = await handler(parsed.value);
    return { ok: true, result: result ?? null };
  } catch (error) {
    return { ok: false, refused: 'failed', error: (error as Error).message, thrown: error };
  }
}

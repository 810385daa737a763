// What crosses Electron's IPC for an invoke channel: the handler's result, or why main refused
// the message. Errors travel as values because Electron flattens an Error thrown in main into a
// message string wrapped in its own text; the preload turns `ok: false` into a rejected promise,
// as the browser mode's bridge does for an HTTP 400 (core/ui-server/ui-server.ts).
// Standard-only: the sandboxed preload bundles it.

export type IpcReply = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: string };

export function isIpcReply(value: unknown): value is IpcReply {
  if (typeof value !== 'object' || value === null) return false;
  const reply = value as { ok?: unknown; error?: unknown };
  return reply.ok === true ? 'result' in reply : reply.ok === false && typeof reply.error === 'string';
}

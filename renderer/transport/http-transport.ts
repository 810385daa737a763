// The renderer's host API in a browser, served by `clatter ui` (core/ui-server/ui-server.ts):
// invoke channels are POSTs to api/<channel>, notify channels arrive as server-sent events on
// api/events. URLs are relative to the page, whose path carries the run's token. When the event
// stream reconnects (the server cut a slow reader, or restarted), listeners of `stream.open` learn
// of it so the renderer can start again from `session.current`.

import type { InvokeArg, InvokeChannel, InvokeResult, NotifyChannel, NotifyPayload, UiApi } from '../../core/api/ui-schema.js';

/** The browser's EventSource, or a stand-in with the same surface (tests). */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
  close(): void;
}

export interface HttpTransportOptions {
  /** The page's URL; api/… is resolved against it. */
  readonly base: string;
  readonly fetch: (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; text(): Promise<string> }>;
  readonly openEvents: (url: string) => EventSourceLike;
}

export interface HttpTransport extends UiApi {
  /** Called whenever the event stream (re)opens. */
  onOpen(listener: () => void): () => void;
  close(): void;
}

export function httpTransport(options: HttpTransportOptions): HttpTransport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const openListeners = new Set<() => void>();
  const source = options.openEvents(new URL('api/events', options.base).toString());
  source.addEventListener('open', () => {
    for (const listener of openListeners) listener();
  });
  const subscribed = new Set<string>();

  function listen(channel: string): void {
    if (subscribed.has(channel)) return;
    subscribed.add(channel);
    source.addEventListener(channel, (event) => {
      if (typeof event.data !== 'string') return;
      let payload: unknown;
      try {
        payload = JSON.parse(event.data);
      } catch {
        return;
      }
      for (const listener of listeners.get(channel) ?? []) listener(payload);
    });
  }

  return {
    async invoke<C extends InvokeChannel>(channel: C, arg: InvokeArg<C>): Promise<InvokeResult<C>> {
      const response = await options.fetch(new URL(`api/${channel}`, options.base).toString(), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ arg: arg ?? null }),
      });
      if (!response.ok) {
        const text = await response.text();
        let message = text;
        try {
          message = (JSON.parse(text) as { error?: string }).error ?? text;
        } catch {
          // Plain text.
        }
        throw new Error(`${channel}: ${response.status} ${message}`);
      }
      return ((await response.json()) as { result: InvokeResult<C> }).result;
    },
    on<C extends NotifyChannel>(channel: C, listener: (payload: NotifyPayload<C>) => void): () => void {
      listen(channel);
      let set = listeners.get(channel);
      if (set === undefined) listeners.set(channel, (set = new Set()));
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
    onOpen(listener: () => void): () => void {
      openListeners.add(listener);
      return () => openListeners.delete(listener);
    },
    close(): void {
      source.close();
    },
  };
}

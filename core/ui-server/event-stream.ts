// Server-sent events (the browser's EventSource) for the notify channels: one `event:` line with
// the channel's name and one `data:` line of JSON per message (JSON.stringify never emits a
// newline). A comment line every 15 s keeps idle connections open through anything that times
// them out. A browser that stops reading (a hidden tab, a slow machine) is cut off once a few MB
// wait for it, rather than letting memory grow; its EventSource reconnects and the renderer starts
// again from `session.current`.

import type { ServerResponse } from 'node:http';
import type { NotifyChannel, NotifyPayload } from '../api/ui-schema.js';

const heartbeatMs = 15_000;
const maxBufferedBytes = 4 * 1024 * 1024;

export class EventStreams {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    this.heartbeat = setInterval(() => {
      for (const client of this.clients) client.write(': keep-alive\n\n');
    }, heartbeatMs);
    this.heartbeat.unref();
  }

  /** Takes over `response` as an event stream, starting with `first` messages. */
  add(response: ServerResponse, headers: Record<string, string>, first: readonly string[]): void {
    response.writeHead(200, { ...headers, 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    response.flushHeaders();
    this.clients.add(response);
    response.on('close', () => this.clients.delete(response));
    for (const message of first) response.write(message);
  }

  send<C extends NotifyChannel>(channel: C, payload: NotifyPayload<C>): void {
    if (this.clients.size === 0) return;
    const message = eventMessage(channel, payload);
    for (const client of this.clients) {
      if (client.writableLength > maxBufferedBytes) {
        this.clients.delete(client);
        client.destroy();
        continue;
      }
      client.write(message);
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}

export function eventMessage<C extends NotifyChannel>(channel: C, payload: NotifyPayload<C>): string {
  return `event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`;
}

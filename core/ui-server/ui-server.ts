// The browser mode (`clatter ui`): the renderer that the desktop app shows, served to a browser
// on loopback, for projectors, remote demos (through an SSH tunnel) and for testing the UI in a
// real browser. It is a UI host like the Electron main process: the same contract
// (core/api/ui-schema.ts), the same engine relay (core/client/ui-relay.ts). Invoke channels are
// POST /<token>/api/<channel> with the argument as JSON, answered with the result as JSON; notify
// channels are server-sent events on GET /<token>/api/events. Everything else under /<token>/ is
// the built renderer. request-guard.ts says who may ask.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { dispatchInvoke } from '../api/ui-dispatch.js';
import { engineHandlers, isInvokeChannel, type DemoAppSwitch, type DemoState, type DemoSwitchResult, type EngineLink, type HostInfo, type InvokeHandlers } from '../api/ui-schema.js';
import { UiRelay } from '../client/ui-relay.js';
import { EventStreams, eventMessage } from './event-stream.js';
import { findPackageRoot } from '../install/package-root.js';
import { guardRequest } from './request-guard.js';
import { readStaticFile } from './static-files.js';

export interface UiServerOptions {
  readonly socketPath: string;
  /** 0: any free port. */
  readonly port: number;
  /** The built renderer; default: dist/renderer of this package. */
  readonly staticRoot?: string;
  /** Trust an engine socket not owned by root (tests only). */
  readonly trustAnyOwner?: boolean;
  /** The demo's apps, when `clatter demo` runs this server. */
  readonly demo?: DemoControl;
  /** Logs one line per refused request or failed call. */
  readonly log?: (line: string) => void;
}

/** What `clatter demo` lets the screen do with its apps (core/demo/node/demo-app-runner.ts). */
export interface DemoControl {
  state(): DemoState;
  setApp(change: DemoAppSwitch): Promise<DemoSwitchResult>;
  onChange(listener: (state: DemoState) => void): void;
}

export interface UiServer {
  /** The URL to open, with the token. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Headers on every answer: nothing may frame it, sniff it, or learn the token from a Referer. */
const securityHeaders: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const maxBodyBytes = 64 * 1024;

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const pkg = findPackageRoot();
  const staticRoot = options.staticRoot ?? join(pkg.dir, 'dist', 'renderer');
  const token = randomBytes(24).toString('base64url');
  const log = options.log ?? (() => {});
  const streams = new EventStreams();
  const relay = new UiRelay({
    socketPath: options.socketPath,
    trustAnyOwner: options.trustAnyOwner ?? false,
    onLink: (link: EngineLink) => streams.send('session.link', link),
    onUpdate: (update) => streams.send('session.update', update),
  });
  const hostInfo: HostInfo = { kind: 'browser', canStartEngine: false, version: pkg.version };

  const handlers: InvokeHandlers = {
    'host.info': async () => hostInfo,
    // The browser's own Fullscreen API does it; there is no window here to change.
    'host.setFullScreen': async () => undefined,
    'host.saveFile': async () => ({ ok: false, error: 'in a browser the page downloads files itself' }),
    ...engineHandlers((method, params) => relay.call(method, params)),
    'engine.start': async () => ({ ok: false, error: 'a browser cannot start the engine: run sudo clatter engine (or sudo systemctl start clatter)' }),
    'session.current': async () => relay.current(),
    'demo.state': async () => options.demo?.state() ?? null,
    'demo.setApp': async (change) => options.demo?.setApp(change) ?? { ok: false, error: 'no demo runs here' },
  };
  options.demo?.onChange((state) => streams.send('demo.update', state));

  let port = 0;
  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      log(`ui: ${request.method} ${request.url}: ${(error as Error).message}`);
      if (!response.headersSent) respond(response, 500, 'text/plain; charset=utf-8', 'internal error');
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    const verdict = guardRequest(
      { host: request.headers.host, origin: header(request, 'origin'), fetchSite: header(request, 'sec-fetch-site'), path },
      port,
      token,
    );
    if (!verdict.ok) {
      if (verdict.status === 403) log(`ui: refused ${request.method} from ${request.socket.remoteAddress}: ${verdict.reason}`);
      return respond(response, verdict.status, 'text/plain; charset=utf-8', verdict.status === 403 ? 'forbidden' : 'not found');
    }
    const rest = verdict.rest;
    if (rest === '/api/events' && request.method === 'GET') {
      const first = [eventMessage('session.link', relay.current())];
      if (options.demo !== undefined) first.push(eventMessage('demo.update', options.demo.state()));
      streams.add(response, securityHeaders, first);
      return;
    }
    if (rest.startsWith('/api/')) {
      const channel = rest.slice('/api/'.length);
      if (request.method !== 'POST') return respond(response, 405, 'text/plain; charset=utf-8', 'use POST');
      if (!isInvokeChannel(channel)) return respond(response, 404, 'text/plain; charset=utf-8', 'no such channel');
      if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
        return respond(response, 415, 'text/plain; charset=utf-8', 'send application/json');
      }
      const body = await readBody(request);
      if (body === null) return respond(response, 413, 'text/plain; charset=utf-8', 'request too large');
      let arg: unknown;
      try {
        const parsedBody: unknown = body.length === 0 ? {} : JSON.parse(body);
        if (typeof parsedBody !== 'object' || parsedBody === null) throw new Error('not an object');
        arg = (parsedBody as { arg?: unknown }).arg;
      } catch {
        return respond(response, 400, 'text/plain; charset=utf-8', 'the body must be a JSON object { "arg": … }');
      }
      const outcome = await dispatchInvoke(handlers, channel, arg);
      if (outcome.ok) return respond(response, 200, 'application/json', JSON.stringify({ result: outcome.result }));
      if (outcome.refused === 'failed') throw outcome.thrown;
      return respond(response, 400, 'application/json', JSON.stringify({ error: outcome.error }));
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return respond(response, 405, 'text/plain; charset=utf-8', 'use GET');
    const file = await readStaticFile(staticRoot, rest);
    if (file === null) {
      if (rest === '/') return respond(response, 500, 'text/plain; charset=utf-8', `the renderer is not built (no ${staticRoot}/index.html): run npm run build`);
      return respond(response, 404, 'text/plain; charset=utf-8', 'not found');
    }
    response.writeHead(200, {
      ...securityHeaders,
      'Content-Type': file.contentType,
      'Cache-Control': file.cacheable ? 'private, max-age=31536000, immutable' : 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  }

  function respond(response: ServerResponse, status: number, contentType: string, body: string): void {
    response.writeHead(status, { ...securityHeaders, 'Content-Type': contentType, 'Cache-Control': 'no-store' });
    response.end(body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the token keeps other users of this machine out, the address everyone else.
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  relay.start();
  return {
    url: `http://127.0.0.1:${port}/${token}/`,
    port,
    close: async () => {
      relay.stop();
      streams.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(request: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        // Answered (413) by the caller; the rest of the body is read and thrown away.
        resolve(null);
        request.removeAllListeners('data');
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

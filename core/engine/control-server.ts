// The engine's control socket: a Unix stream socket speaking core/api's newline-delimited JSON.
// Lifecycle: the engine creates the socket directory (root:clatter 0750) and the socket
// (0660, group clatter); a stale socket file left by a dead engine is replaced, a live one is an
// error ("another engine is running"). Every connection's peer is checked with SO_PEERCRED: root,
// or a member of the `clatter` group. Requests are validated against core/api and answered in
// order; subscriptions (`subscribe`, later streams) push events on the connection until it closes.

import { chmodSync, chownSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { encodeLine, LineDecoder } from '../api/framing.js';
import { parseRequest, type ApiError, type EngineEvent, type Method, type Methods, type Request } from '../api/messages.js';

/** One client connection, as a handler sees it: for subscriptions that push events. */
export interface Connection {
  /** Sends an event; false when the client is gone. */
  send(event: EngineEvent): boolean;
  /** True while the client is not keeping up (the socket's buffer is full): skip, don't queue. */
  readonly congested: boolean;
  /** Called once when the connection closes. */
  onClose(listener: () => void): void;
}

export type Handler = {
  [M in Method]: (request: Request<M>, connection: Connection) => Promise<{ ok: true; result: Methods[M]['result'] } | { ok: false; error: ApiError }>;
};

export interface PeerCheck {
  /** Returns undefined to admit the peer, or why not. */
  (socket: Socket): string | undefined;
}

export interface ControlServerOptions {
  readonly socketPath: string;
  /** Group allowed besides root (numeric gid), or null when the group does not exist. */
  readonly groupId: number | null;
  readonly handler: Handler;
  readonly checkPeer: PeerCheck;
  readonly log: (line: string) => void;
}

/** True when something answers on the socket path (another engine). */
function isAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

export class ControlServer {
  private server: Server | null = null;
  /** Every open connection: close() ends them, or server.close() would wait for each client. */
  private readonly connections = new Set<Socket>();

  constructor(private readonly options: ControlServerOptions) {}

  async listen(): Promise<{ ok: true } | { ok: false; error: string }> {
    const { socketPath, groupId } = this.options;
    mkdirSync(dirname(socketPath), { recursive: true, mode: 0o750 });
    if (existsSync(socketPath)) {
      if (await isAlive(socketPath)) return { ok: false, error: `another engine is already listening on ${socketPath}` };
      unlinkSync(socketPath);
    }
    const server = createServer((socket) => this.accept(socket));
    const listening = await new Promise<{ ok: true } | { ok: false; error: string }>((resolve) => {
      server.once('error', (error) => resolve({ ok: false, error: `cannot listen on ${socketPath}: ${error.message}` }));
      server.listen(socketPath, () => resolve({ ok: true }));
    });
    if (!listening.ok) return listening;
    chmodSync(socketPath, 0o660);
    if (groupId !== null) {
      chownSync(socketPath, 0, groupId);
      chownSync(dirname(socketPath), 0, groupId);
    }
    this.server = server;
    return listening;
  }

  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (existsSync(this.options.socketPath)) unlinkSync(this.options.socketPath);
  }

  private accept(socket: Socket): void {
    this.connections.add(socket);
    const closeListeners: (() => void)[] = [];
    const connection: Connection = {
      send: (event) => {
        if (socket.destroyed) return false;
        socket.write(encodeLine(event));
        return true;
      },
      get congested() {
        return socket.writableNeedDrain;
      },
      onClose: (listener) => void closeListeners.push(listener),
    };
    socket.on('close', () => {
      this.connections.delete(socket);
      for (const listener of closeListeners.splice(0)) listener();
    });
    // A peer that goes away mid-write is not the engine's problem.
    socket.on('error', () => socket.destroy());
    const refused = this.options.checkPeer(socket);
    if (refused !== undefined) {
      socket.end(encodeLine({ id: 0, ok: false, error: { code: 'bad-request', message: refused } }));
      this.options.log(`refused a control connection: ${refused}`);
      return;
    }
    socket.setEncoding('utf8');
    const decoder = new LineDecoder();
    let queue = Promise.resolve();
    socket.on('data', (chunk: string) => {
      for (const line of decoder.push(chunk)) {
        if (!line.ok) {
          socket.end(encodeLine({ id: 0, ok: false, error: { code: 'bad-request', message: line.error } }));
          return;
        }
        const parsed = parseRequest(line.value);
        // Answer in order: each request waits for the previous one.
        queue = queue.then(async () => {
          if (!parsed.ok) {
            socket.write(encodeLine({ id: parsed.id ?? 0, ok: false, error: { code: 'bad-request', message: parsed.error } }));
            return;
          }
          const request = parsed.request;
          const handle = this.options.handler[request.method] as (r: Request, c: Connection) => ReturnType<Handler[Method]>;
          let answer: Awaited<ReturnType<Handler[Method]>>;
          try {
            answer = await handle(request, connection);
          } catch (error) {
            answer = { ok: false, error: { code: 'internal', message: (error as Error).message } };
          }
          if (socket.destroyed) return;
          socket.write(encodeLine(answer.ok ? { id: request.id, ok: true, result: answer.result } : { id: request.id, ok: false, error: answer.error }));
        });
      }
    });
  }
}

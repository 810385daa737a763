// A client of the engine's control socket, for the CLI and the desktop shell. One connection,
// requests numbered and matched to their answers, events passed to a listener. Failures are values:
// a missing socket says the engine is not running and how to start it; EACCES says who may connect.

import { connect, type Socket } from 'node:net';
import { defaultMaxLineBytes, encodeLine, LineDecoder } from '../api/framing.js';
import { parseServerMessage, type ApiError, type EngineEvent, type Method, type Methods } from '../api/messages.js';

export const defaultSocketPath = '/run/clatter/engine.sock';

export function socketPathFromEnv(flag: string | undefined): string {
  return flag ?? process.env.CLATTER_SOCKET ?? defaultSocketPath;
}

export type CallResult<M extends Method> = { ok: true; result: Methods[M]['result'] } | { ok: false; error: ApiError };

type Pending = (value: CallResult<Method>) => void;

/** Why a connection failed: no engine listening, a socket not ours to use, or something else. */
export type ConnectFailure = 'not-running' | 'no-permission' | 'other';

export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closedReason: string | null = null;
  private readonly closeListeners: ((reason: string) => void)[] = [];

  private constructor(
    private readonly socket: Socket,
    private readonly onEvent: (event: EngineEvent) => void,
    maxLineBytes: number,
  ) {
    socket.setEncoding('utf8');
    const decoder = new LineDecoder(maxLineBytes);
    socket.on('data', (chunk: string) => {
      for (const line of decoder.push(chunk)) {
        if (!line.ok) continue;
        const message = parseServerMessage(line.value);
        if (!message.ok) continue;
        if (message.kind === 'event') {
          this.onEvent(message.event);
          continue;
        }
        const response = message.response;
        if (response.id === 0 && !response.ok) {
          // The engine refused the connection or could not read a line: it ends the connection.
          this.closedReason = response.error.message;
          this.failAll(response.error.message);
          continue;
        }
        const resolve = this.pending.get(response.id);
        if (resolve === undefined) continue;
        this.pending.delete(response.id);
        resolve(response.ok ? { ok: true, result: response.result } : { ok: false, error: response.error });
      }
    });
    socket.on('end', () => {
      this.closedReason ??= 'the engine closed the connection';
      this.failAll(this.closedReason);
    });
    socket.on('close', () => {
      const reason = this.closedReason ?? 'the engine closed the connection';
      this.failAll(reason);
      for (const listener of this.closeListeners.splice(0)) listener(reason);
    });
    socket.on('error', (error) => {
      this.closedReason = error.message;
    });
  }

  /** Connects to the engine at `socketPath`; the error explains what to do, the reason says it as a value. */
  static connect(
    socketPath: string,
    onEvent: (event: EngineEvent) => void = () => {},
    /** The longest answer accepted (an export carries the whole trace ring). */
    maxLineBytes = defaultMaxLineBytes,
  ): Promise<{ ok: true; client: EngineClient } | { ok: false; error: string; reason: ConnectFailure }> {
    return new Promise((resolve) => {
      const socket = connect(socketPath);
      socket.once('connect', () => resolve({ ok: true, client: new EngineClient(socket, onEvent, maxLineBytes) }));
      socket.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
          resolve({ ok: false, reason: 'not-running', error: `the engine is not running (no socket at ${socketPath}); start it with: sudo clatter engine` });
        } else if (error.code === 'EACCES') {
          resolve({ ok: false, reason: 'no-permission', error: `no permission on ${socketPath}: run as root or as a member of the "clatter" group` });
        } else {
          resolve({ ok: false, reason: 'other', error: `cannot connect to ${socketPath}: ${error.message}` });
        }
      });
    });
  }

  call<M extends Method>(method: M, params: Methods[M]['params']): Promise<CallResult<M>> {
    if (this.socket.destroyed || this.closedReason !== null) {
      return Promise.resolve({ ok: false, error: { code: 'internal', message: this.closedReason ?? 'connection closed' } });
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as Pending);
      this.socket.write(encodeLine({ id, method, params }));
    });
  }

  /** Calls `listener` once when the connection is gone, for whatever reason. */
  onClose(listener: (reason: string) => void): void {
    if (this.socket.destroyed) listener(this.closedReason ?? 'the engine closed the connection');
    else this.closeListeners.push(listener);
  }

  close(): void {
    this.socket.end();
  }

  private failAll(message: string): void {
    for (const resolve of this.pending.values()) resolve({ ok: false, error: { code: 'internal', message } });
    this.pending.clear();
  }
}

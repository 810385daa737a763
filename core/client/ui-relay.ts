// A UI host's link to the engine, shared by the desktop shell (electron/) and `clatter ui`: it
// checks that the socket is root's before trusting it (a socket anyone else owns could be anyone
// listening; mullvadvpn-app verifies its daemon's socket the same way), connects, asks for status
// events and the UI's update stream, fetches the flow table once, and then hands the UI batched
// updates (update-batch.ts) at most every `updateIntervalMs`. When the engine is not there or goes
// away it says why and how to fix it, and tries again with backoff (250 ms doubling to 5 s).

import { lstat } from 'node:fs/promises';
import type { EngineEvent, Methods } from '../api/messages.js';
import type { EngineAnswer, EngineLink, EngineProblem, SessionUpdate, UiEngineMethod } from '../api/ui-schema.js';
import { EngineClient } from './engine-client.js';
import { LiveState } from './live-state.js';
import { UpdateBatch } from './update-batch.js';

export type SocketOwnerCheck = { ok: true } | { ok: false; problem: EngineProblem; message: string };

/** The socket must exist, be a socket, and belong to root (uid 0). */
export async function checkSocketOwner(socketPath: string): Promise<SocketOwnerCheck> {
  try {
    const stats = await lstat(socketPath);
    if (!stats.isSocket()) return { ok: false, problem: 'untrusted-socket', message: `${socketPath} is not a socket` };
    if (stats.uid !== 0) return { ok: false, problem: 'untrusted-socket', message: `${socketPath} belongs to uid ${stats.uid}, not root: refusing to trust it` };
    return { ok: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, problem: 'not-running', message: `the engine is not running (no socket at ${socketPath})` };
    if (code === 'EACCES') return { ok: false, problem: 'no-permission', message: `no permission to look at ${socketPath}` };
    return { ok: false, problem: 'not-running', message: `cannot look at ${socketPath}: ${(error as Error).message}` };
  }
}

const fixes: Record<EngineProblem, string> = {
  'not-running': 'Start the engine: sudo clatter engine (or: sudo systemctl start clatter)',
  'no-permission': 'Add yourself to the "clatter" group (sudo usermod -aG clatter $USER, then log in again), or run as root',
  'untrusted-socket': 'Stop whatever created that socket and start the real engine: sudo clatter engine',
  lost: 'The engine stopped or restarted; reconnecting',
};

export interface UiRelayOptions {
  readonly socketPath: string;
  readonly onLink: (link: EngineLink) => void;
  readonly onUpdate: (update: SessionUpdate) => void;
  /** How often batched updates go to the UI (default 100 ms: at most 10 a second, which eyes cannot tell from more, and each costs the page a layout of the trace panes). */
  readonly updateIntervalMs?: number;
  /** The trace pairs a second the engine sends (default 200). */
  readonly tracePerSecond?: number;
  /** Trust a socket not owned by root (tests only). */
  readonly trustAnyOwner?: boolean;
}

const firstRetryMs = 250;
const maxRetryMs = 5000;
/** An export holds the whole trace ring, a few MB of JSON. */
const maxLineBytes = 32 * 1024 * 1024;

export class UiRelay {
  private link: EngineLink;
  private client: EngineClient | null = null;
  private batch = new UpdateBatch();
  private live: LiveState | null = null;
  private retryMs = firstRetryMs;
  private retryTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private stopped = true;
  /** Bumped on every attempt, so a stale attempt's callbacks do nothing. */
  private attempt = 0;

  constructor(private readonly options: UiRelayOptions) {
    this.link = { state: 'connecting', socketPath: options.socketPath };
  }

  /** The link now; when connected, with the snapshot and flows brought up to date. */
  current(): EngineLink {
    if (this.link.state !== 'connected' || this.live === null) return this.link;
    return { ...this.link, snapshot: this.live.snapshot(), flows: this.live.flowList() };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const interval = this.options.updateIntervalMs ?? 100;
    this.flushTimer = setInterval(() => this.flush(), interval);
    this.flushTimer.unref();
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.attempt++;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.flushTimer !== null) clearInterval(this.flushTimer);
    this.retryTimer = null;
    this.flushTimer = null;
    this.client?.close();
    this.client = null;
  }

  /** Tries at once instead of waiting for the next retry (after starting an engine). */
  retryNow(): void {
    if (this.stopped || this.link.state !== 'unavailable') return;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryMs = firstRetryMs;
    void this.connect();
  }

  /** One of the UI's engine methods (an `EngineCaller`); without an engine, why not. */
  async call<M extends UiEngineMethod>(method: M, params: Methods[M]['params']): Promise<EngineAnswer<M>> {
    const client = this.client;
    if (client === null || this.link.state !== 'connected') {
      const why = this.link.state === 'unavailable' ? this.link.message : 'still connecting to the engine';
      return { ok: false, error: { code: 'internal', message: why } };
    }
    return client.call(method, params);
  }

  private setLink(link: EngineLink): void {
    this.link = link;
    this.options.onLink(link);
  }

  private async connect(): Promise<void> {
    const attempt = ++this.attempt;
    const { socketPath } = this.options;
    // A retry keeps the problem on screen (with its "trying again" line) rather than flickering
    // to "connecting" and back on every attempt; only the first attempt says "connecting".
    const owner = this.options.trustAnyOwner === true ? ({ ok: true } as const) : await checkSocketOwner(socketPath);
    if (attempt !== this.attempt) return;
    if (!owner.ok) return this.unavailable(owner.problem, owner.message);
    const connected = await EngineClient.connect(socketPath, (event) => this.onEvent(event), maxLineBytes);
    if (attempt !== this.attempt) {
      if (connected.ok) connected.client.close();
      return;
    }
    if (!connected.ok) return this.unavailable(connected.reason === 'no-permission' ? 'no-permission' : 'not-running', connected.error);
    const client = connected.client;
    client.onClose((reason) => {
      if (attempt !== this.attempt) return;
      this.client = null;
      this.live = null;
      this.unavailable('lost', `lost the engine: ${reason}`);
    });
    // A fresh batch: what a lost connection left in the old one is older than the snapshot below.
    this.batch = new UpdateBatch();
    const subscribed = await client.call('subscribe', {});
    const watched = subscribed.ok ? await client.call('watch', { traces: true, perSecond: this.options.tracePerSecond ?? 200 }) : subscribed;
    const flows = watched.ok ? await client.call('flows', {}) : watched;
    if (attempt !== this.attempt) {
      // Stopped (or restarted) meanwhile: this connection is nobody's.
      client.close();
      return;
    }
    if (!watched.ok || !flows.ok) {
      client.close();
      const failed = !watched.ok ? watched : flows;
      return this.unavailable('lost', `the engine refused the UI's subscription: ${failed.ok ? '' : failed.error.message}`);
    }
    this.client = client;
    this.retryMs = firstRetryMs;
    this.live = new LiveState(watched.result, flows.result.flows);
    this.setLink({ state: 'connected', socketPath, snapshot: watched.result, flows: flows.result.flows });
  }

  private unavailable(problem: EngineProblem, message: string): void {
    if (this.stopped) return;
    const retryInMs = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, maxRetryMs);
    this.setLink({ state: 'unavailable', socketPath: this.options.socketPath, problem, message, fix: fixes[problem], retryAtMs: Date.now() + retryInMs });
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, retryInMs);
    this.retryTimer.unref();
  }

  private onEvent(event: EngineEvent): void {
    this.batch.add(event);
    if (event.event === 'update' && !event.flows.complete) void this.refetchFlows();
  }

  /** One refetch at a time: a burst of incomplete updates asks for the table once more, not per update. */
  private refetching: Promise<void> | null = null;
  private refetchAgain = false;

  private refetchFlows(): Promise<void> {
    if (this.refetching !== null) {
      this.refetchAgain = true;
      return this.refetching;
    }
    this.refetching = (async () => {
      do {
        this.refetchAgain = false;
        const answer = await this.client?.call('flows', {});
        if (answer?.ok === true) this.batch.replaceFlows(answer.result.flows);
      } while (this.refetchAgain);
      this.refetching = null;
    })();
    return this.refetching;
  }

  private flush(): void {
    if (this.batch.empty || this.link.state !== 'connected') return;
    const update = this.batch.take();
    this.live?.apply(update);
    this.options.onUpdate(update);
  }
}

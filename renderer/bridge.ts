// The one place the renderer meets its host (Electron's preload or `clatter ui`'s HTTP): it feeds
// the stores from the host's notify channels and offers the screen's actions. Updates are queued
// and applied once per animation frame, merged, so a burst of batches costs one render; while the
// page is hidden (no frames), every 250 ms instead, so the queue never grows without bound.

import type { ClatStatus } from '../core/api/status.js';
import { encodeBase64 } from '../core/api/base64.js';
import type { Explanation } from '../core/api/explanation.js';
import type { ApiError, UpParams } from '../core/api/messages.js';
import { exportResultToPcapng } from '../core/api/trace-wire.js';
import type { EngineLink, SessionUpdate, StartEngineResult, UiApi } from '../core/api/ui-schema.js';
import type { DemoAppName } from '../core/api/demo-apps.js';
import type { DependencyEntry } from '../core/observe/dependency-ledger.js';
import type { FlowInfo } from '../core/observe/flow-info.js';
import { useDemo } from './stores/demo-store.js';
import { useFlows } from './stores/flows-store.js';
import { useSession } from './stores/session-store.js';
import { useTrace } from './stores/trace-store.js';
import { useTraffic } from './stores/traffic-store.js';

export interface BridgeEnvironment {
  /** Runs `work` before the next paint (requestAnimationFrame), or soon when there are no frames. */
  readonly schedule: (work: () => void) => void;
  /** Hands a file to the user (a browser's download); Electron uses the host's save dialog instead. */
  readonly download: (name: string, bytes: Uint8Array) => void;
  readonly now: () => number;
  /** Full screen in a browser (the Fullscreen API); Electron's main process does it instead. */
  readonly fullScreen?: (on: boolean) => void;
  /** Called when the host's event stream (re)opens, if the transport can tell. */
  readonly onStreamOpen?: (listener: () => void) => void;
}

export type ActionResult = { readonly ok: true; readonly message: string } | { readonly ok: false; readonly message: string };

export type ExplainResult = { readonly ok: true; readonly explanation: Explanation } | { readonly ok: false; readonly message: string };

export interface Bridge {
  start(): Promise<void>;
  stop(): void;
  /** Switches the CLAT on or off; the toggle shows the wanted state at once (optimistic). */
  setClat(on: boolean, options?: UpParams): Promise<void>;
  startEngine(): Promise<StartEngineResult>;
  exportPcapng(seconds?: number): Promise<ActionResult>;
  /** One trace pair's translation, field by field, as the engine's translator explains it. */
  explain(pairId: number): Promise<ExplainResult>;
  loadReport(): Promise<{ ok: true; sinceMs: number; entries: readonly DependencyEntry[] } | { ok: false; message: string }>;
  setFullScreen(on: boolean): Promise<void>;
  /** Starts or stops one of the demo's apps (`clatter demo`). */
  setDemoApp(app: DemoAppName, running: boolean): Promise<void>;
}

/** Applies one merged batch to the stores. */
export function applyUpdates(updates: readonly SessionUpdate[]): void {
  if (updates.length === 0) return;
  let status: ClatStatus | null = null;
  let counters: SessionUpdate['counters'] = null;
  const rates: SessionUpdate['rates'][number][] = [];
  const pairs: SessionUpdate['pairs'][number][] = [];
  let skipped = 0;
  let lost = 0;
  // The flow changes of the whole batch, merged, so the store copies its map once.
  const changed = new Map<number, FlowInfo>();
  const removed = new Set<number>();
  let replaced = false;
  for (const update of updates) {
    status = update.status ?? status;
    counters = update.counters ?? counters;
    rates.push(...update.rates);
    pairs.push(...update.pairs);
    skipped += update.skipped;
    lost += update.lost;
    if (update.flowsReplaced) {
      changed.clear();
      removed.clear();
      replaced = true;
    }
    for (const flow of update.flowsChanged) changed.set(flow.id, flow);
    for (const id of update.flowsRemoved) {
      changed.delete(id);
      removed.add(id);
    }
  }
  if (status !== null) useSession.getState().setStatus(status);
  useTraffic.getState().apply(counters, rates);
  useFlows.getState().apply([...changed.values()], [...removed], replaced);
  if (pairs.length > 0 || skipped > 0 || lost > 0) useTrace.getState().add(pairs, skipped, lost);
}

/**
 * A new link: connected brings a whole snapshot, which replaces what the stores had. The trace
 * panes start empty: after a reconnect the engine may be a new one, whose pair numbers start at 1
 * again and would collide with the rows shown.
 */
export function applyLink(link: EngineLink, previous: EngineLink['state'] | null = null): void {
  useSession.getState().setLink(link);
  if (link.state !== 'connected') return;
  useTraffic.getState().reset(link.snapshot.counters, link.snapshot.rates);
  useFlows.getState().replace(link.flows);
  if (previous !== null && previous !== 'connected') useTrace.getState().clear();
}

export function createBridge(api: UiApi, environment: BridgeEnvironment): Bridge {
  let queue: SessionUpdate[] = [];
  let scheduled = false;
  const unsubscribe: (() => void)[] = [];

  function flush(): void {
    scheduled = false;
    const updates = queue;
    queue = [];
    applyUpdates(updates);
  }

  async function resync(): Promise<void> {
    applyLink(await api.invoke('session.current', undefined));
    useDemo.getState().set(await api.invoke('demo.state', undefined));
  }

  /** An engine method's answer (its own channel: `engine.up`, …); a host's refusal becomes the answer's error. */
  async function engine<A>(asking: Promise<A>): Promise<A | { readonly ok: false; readonly error: ApiError }> {
    try {
      return await asking;
    } catch (error) {
      return { ok: false, error: { code: 'internal', message: (error as Error).message } };
    }
  }

  return {
    async start() {
      unsubscribe.push(
        api.on('session.link', (link) => {
          // Updates queued under the old link are older than a new snapshot.
          if (link.state === 'connected') queue = [];
          applyLink(link, useSession.getState().link.state);
        }),
        api.on('demo.update', (demo) => useDemo.getState().set(demo)),
        api.on('session.update', (update) => {
          queue.push(update);
          if (!scheduled) {
            scheduled = true;
            environment.schedule(flush);
          }
        }),
      );
      // A transport that tells when its stream (re)opens resyncs then, the first time included
      // (registered before anything is awaited: the stream opens a task later at the earliest).
      const onStreamOpen = environment.onStreamOpen;
      onStreamOpen?.(() => void resync());
      useSession.getState().setHost(await api.invoke('host.info', undefined));
      if (onStreamOpen === undefined) await resync();
    },
    stop() {
      for (const off of unsubscribe.splice(0)) off();
    },
    async setClat(on, options = {}) {
      const session = useSession.getState();
      const request = session.beginToggle(on ? 'on' : 'off');
      const answer = on ? await engine(api.invoke('engine.up', options)) : await engine(api.invoke('engine.down', {}));
      session.endToggle(request, answer.ok ? { ok: true, status: answer.result } : { ok: false, error: answer.error });
    },
    async startEngine() {
      try {
        return await api.invoke('engine.start', undefined);
      } catch (error) {
        return { ok: false, error: (error as Error).message };
      }
    },
    async exportPcapng(seconds) {
      const answer = await engine(api.invoke('engine.export', seconds === undefined ? {} : { seconds }));
      if (!answer.ok) return { ok: false, message: answer.error.message };
      const result = answer.result;
      const bytes = exportResultToPcapng(result);
      const name = `clatter-${new Date(environment.now()).toISOString().replace(/[:.]/g, '-')}.pcapng`;
      const pairs = `${result.pairs.length} pair${result.pairs.length === 1 ? '' : 's'}`;
      if (useSession.getState().host?.kind === 'electron') {
        const saved = await api.invoke('host.saveFile', { name, base64: encodeBase64(bytes) });
        if (!saved.ok) return { ok: false, message: saved.error };
        return { ok: true, message: saved.saved ? `Saved ${pairs} to ${saved.path}` : 'Export cancelled' };
      }
      environment.download(name, bytes);
      return { ok: true, message: `Downloaded ${name} (${pairs})` };
    },
    async explain(pairId) {
      const answer = await engine(api.invoke('engine.explain', { pairId }));
      if (!answer.ok) return { ok: false, message: answer.error.message };
      return { ok: true, explanation: answer.result };
    },
    async loadReport() {
      const answer = await engine(api.invoke('engine.report', {}));
      if (!answer.ok) return { ok: false, message: answer.error.message };
      return { ok: true, sinceMs: answer.result.sinceMs, entries: answer.result.entries };
    },
    async setDemoApp(app, running) {
      try {
        const answer = await api.invoke('demo.setApp', { app, running });
        if (answer.ok) useDemo.getState().set(answer.state);
        useDemo.getState().fail(answer.ok ? null : answer.error);
      } catch (error) {
        useDemo.getState().fail((error as Error).message);
      }
    },
    async setFullScreen(on) {
      if (useSession.getState().host?.kind === 'electron') await api.invoke('host.setFullScreen', on);
      else environment.fullScreen?.(on);
    },
  };
}

// The bridge between the host and the stores: links and updates reach the stores, updates are
// applied once per frame however many arrive, the toggle is optimistic, export builds a pcapng
// and hands it to the browser or the host's save dialog; and the HTTP transport.

import { beforeEach, describe, expect, it } from 'vitest';
import { uiEngineMethods, type DemoState, type EngineAnswer, type HostInfo, type InvokeArg, type InvokeChannel, type InvokeResult, type NotifyChannel, type NotifyPayload, type SessionUpdate, type UiApi, type UiEngineMethod } from '../../core/api/ui-schema.js';
import { createBridge } from '../../renderer/bridge.js';
import { useDemo } from '../../renderer/stores/demo-store.js';
import { useFlows } from '../../renderer/stores/flows-store.js';
import { initialSession, toggleShowsOn, useSession } from '../../renderer/stores/session-store.js';
import { maxRowsPerPane, useTrace } from '../../renderer/stores/trace-store.js';
import { sidePackets, useTraffic } from '../../renderer/stores/traffic-store.js';
import { httpTransport, type EventSourceLike } from '../../renderer/transport/http-transport.js';
import { echoExplanation } from './explanation-fixture.js';
import { counters, echoPair, flow, offStatus, rate, runningStatus, snapshot } from './fixtures.js';

/** A host in memory: answers invokes from `answers`, records them, and pushes notifications on demand. */
class FakeHost implements UiApi {
  readonly invoked: { channel: string; arg: unknown }[] = [];
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  /** Answers every `engine.<method>` channel. */
  engine: (call: { method: UiEngineMethod; params: unknown }) => EngineAnswer<UiEngineMethod> = () => ({ ok: true, result: offStatus });
  hostInfo: HostInfo = { kind: 'browser', canStartEngine: false, version: '1.0.0' };
  saved: { name: string; base64: string } | null = null;
  demo: DemoState | null = null;

  async invoke<C extends InvokeChannel>(channel: C, arg: InvokeArg<C>): Promise<InvokeResult<C>> {
    this.invoked.push({ channel, arg });
    const answers: Record<InvokeChannel, () => unknown> = {
      'host.info': () => this.hostInfo,
      'host.setFullScreen': () => undefined,
      'host.saveFile': () => {
        this.saved = arg as { name: string; base64: string };
        return { ok: true, saved: true, path: `/home/alice/${this.saved.name}` };
      },
      ...(Object.fromEntries(uiEngineMethods.map((method) => [`engine.${method}`, () => this.engine({ method, params: arg })])) as Record<`engine.${UiEngineMethod}`, () => unknown>),
      'engine.start': () => ({ ok: false, error: 'no' }),
      'session.current': () => ({ state: 'connected', socketPath: '/s', snapshot: snapshot(offStatus, 1), flows: [flow(1, 'curl', 5)] }),
      'demo.state': () => this.demo,
      'demo.setApp': () => ({ ok: false, error: 'scripted' }),
    };
    return answers[channel]() as InvokeResult<C>;
  }

  on<C extends NotifyChannel>(channel: C, listener: (payload: NotifyPayload<C>) => void): () => void {
    let set = this.listeners.get(channel);
    if (set === undefined) this.listeners.set(channel, (set = new Set()));
    set.add(listener as (payload: unknown) => void);
    return () => set.delete(listener as (payload: unknown) => void);
  }

  push<C extends NotifyChannel>(channel: C, payload: NotifyPayload<C>): void {
    for (const listener of this.listeners.get(channel) ?? []) listener(payload);
  }
}

function update(partial: Partial<SessionUpdate>): SessionUpdate {
  return { status: null, counters: null, rates: [], flowsChanged: [], flowsRemoved: [], flowsReplaced: false, pairs: [], skipped: 0, lost: 0, ...partial };
}

function setup() {
  const host = new FakeHost();
  const frames: (() => void)[] = [];
  const downloads: { name: string; bytes: Uint8Array }[] = [];
  const bridge = createBridge(host, { schedule: (work) => frames.push(work), download: (name, bytes) => downloads.push({ name, bytes }), now: () => Date.UTC(2026, 10, 26, 12) });
  return { host, frames, downloads, bridge };
}

beforeEach(() => {
  useSession.setState(initialSession);
  useFlows.setState({ flows: new Map() });
  useTraffic.setState({ counters: null, rates: [] });
  useTrace.setState({ v4Rows: [], v6Rows: [], paused: false, skipped: 0, lost: 0 });
});

describe('bridge', () => {
  it('starts from the host info and the current session', async () => {
    const { bridge, host } = setup();
    await bridge.start();
    expect(host.invoked.map((call) => call.channel)).toEqual(['host.info', 'session.current', 'demo.state']);
    expect(useDemo.getState().demo).toBeNull();
    expect(useSession.getState().host?.kind).toBe('browser');
    expect(useSession.getState().link.state).toBe('connected');
    expect(sidePackets(useTraffic.getState().counters, 'ipv4')).toBe(2);
    expect([...useFlows.getState().flows.keys()]).toEqual([1]);
  });

  it('applies the updates of a frame once, merged, in order', async () => {
    const { bridge, host, frames } = setup();
    await bridge.start();
    host.push('session.update', update({ counters: counters(10, 10), rates: [rate(2000, 10)], flowsChanged: [flow(2, 'ping', 9)], pairs: [echoPair(1)] }));
    host.push('session.update', update({ status: runningStatus, counters: counters(20, 20), rates: [rate(3000, 10)], flowsRemoved: [1], pairs: [echoPair(2)], skipped: 3 }));
    // Nothing yet: both wait for the frame, which was asked for once.
    expect(frames).toHaveLength(1);
    expect(sidePackets(useTraffic.getState().counters, 'ipv4')).toBe(2);
    frames.shift()!();
    expect(sidePackets(useTraffic.getState().counters, 'ipv4')).toBe(40);
    expect(useTraffic.getState().rates.map((r) => r.atMs)).toEqual([1000, 2000, 3000]);
    expect([...useFlows.getState().flows.keys()]).toEqual([2]);
    expect(useTrace.getState().v4Rows.map((row) => row.pairId)).toEqual([1, 2]);
    expect(useTrace.getState().skipped).toBe(3);
    expect(useSession.getState().status).toEqual(runningStatus);
  });

  it('merges a frame\'s flow changes into one store update, a replacement dropping what came before', async () => {
    const { bridge, host, frames } = setup();
    await bridge.start();
    host.push('session.update', update({ flowsChanged: [flow(2, 'ping', 9), flow(3, 'dig', 1)] }));
    host.push('session.update', update({ flowsReplaced: true, flowsChanged: [flow(4, 'curl', 2)] }));
    host.push('session.update', update({ flowsChanged: [flow(5, 'ssh', 1), flow(6, 'nc', 1)], flowsRemoved: [5] }));
    let storeUpdates = 0;
    const unsubscribe = useFlows.subscribe(() => storeUpdates++);
    frames.shift()!();
    unsubscribe();
    expect(storeUpdates).toBe(1);
    expect([...useFlows.getState().flows.keys()].sort()).toEqual([4, 6]);
  });

  it('a frame of more pairs than a pane holds keeps the newest, in order, and counts all of them while paused', async () => {
    const { bridge, host, frames } = setup();
    await bridge.start();
    const many = Array.from({ length: maxRowsPerPane + 500 }, (_, i) => echoPair(i + 1));
    host.push('session.update', update({ pairs: many.slice(0, 1000) }));
    host.push('session.update', update({ pairs: many.slice(1000) }));
    frames.shift()!();
    const rows = useTrace.getState().v4Rows;
    expect(rows).toHaveLength(maxRowsPerPane);
    expect([rows[0].pairId, rows.at(-1)!.pairId]).toEqual([501, maxRowsPerPane + 500]);
    useTrace.getState().setPaused(true);
    host.push('session.update', update({ pairs: many }));
    frames.shift()!();
    expect(useTrace.getState().missedWhilePaused).toBe(maxRowsPerPane + 500);
  });

  it('a new connected link throws away updates queued under the old one', async () => {
    const { bridge, host, frames } = setup();
    await bridge.start();
    host.push('session.update', update({ counters: counters(99, 99) }));
    host.push('session.link', { state: 'connected', socketPath: '/s', snapshot: snapshot(runningStatus, 5), flows: [] });
    frames.shift()!();
    expect(sidePackets(useTraffic.getState().counters, 'ipv4')).toBe(10);
    expect(useFlows.getState().flows.size).toBe(0);
  });

  it('setClat: on at once, then the engine answer; a refusal goes back with its reason', async () => {
    const { bridge, host } = setup();
    await bridge.start();
    let seenPending: boolean | null = null;
    host.engine = (call) => {
      seenPending = toggleShowsOn(useSession.getState());
      expect(call).toEqual({ method: 'up', params: { uplink: 'wlan0' } });
      return { ok: false, error: { code: 'native-ipv4', message: 'the host has native IPv4 on eth0' } };
    };
    await bridge.setClat(true, { uplink: 'wlan0' });
    expect(seenPending).toBe(true);
    expect(toggleShowsOn(useSession.getState())).toBe(false);
    expect(useSession.getState().lastError).toEqual({ code: 'native-ipv4', message: 'the host has native IPv4 on eth0', forceHelps: true });
    host.engine = () => ({ ok: true, result: runningStatus });
    await bridge.setClat(true, { force: true });
    expect(useSession.getState().status).toEqual(runningStatus);
    expect(useSession.getState().lastError).toBeNull();
  });

  it('exports a pcapng: a browser downloads it, Electron saves it through the host', async () => {
    const { bridge, host, downloads } = setup();
    await bridge.start();
    host.engine = (call) => {
      expect(call.method).toBe('export');
      return { ok: true, result: { ipv4Interface: 'clat', ipv6Interface: 'wlan0', pairs: [echoPair(1), echoPair(2)] } };
    };
    const result = await bridge.exportPcapng();
    expect(result).toEqual({ ok: true, message: 'Downloaded clatter-2026-11-26T12-00-00-000Z.pcapng (2 pairs)' });
    const bytes = downloads[0].bytes;
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true)).toBe(0x0a0d0d0a);
    // The packets are in it, with the comments naming the twins and the program.
    expect(new TextDecoder().decode(bytes)).toContain('#1 v4 twin of #1 v6 (frame 2), program ping (pid 101)');

    host.hostInfo = { kind: 'electron', canStartEngine: true, version: '1.0.0' };
    await bridge.start();
    const saved = await bridge.exportPcapng();
    expect(saved).toEqual({ ok: true, message: 'Saved 2 pairs to /home/alice/clatter-2026-11-26T12-00-00-000Z.pcapng' });
    expect(host.saved?.base64.length).toBeGreaterThan(100);
    expect(downloads).toHaveLength(1);
  });

  it('the demo: its state reaches the store, and starting an app goes to the host', async () => {
    const { bridge, host } = setup();
    const demo: DemoState = {
      server: '203.0.113.10',
      apps: [{ name: 'call', title: 'Voice call', description: 'UDP', program: 'clatter-call', running: false, health: 'stopped', detail: 'stopped' }],
    };
    host.demo = demo;
    await bridge.start();
    expect(useDemo.getState().demo).toEqual(demo);
    host.push('demo.update', { ...demo, apps: [{ ...demo.apps[0], running: true, health: 'failing', detail: 'Network is unreachable' }] });
    expect(useDemo.getState().demo?.apps[0].detail).toBe('Network is unreachable');
    await bridge.setDemoApp('call', true);
    expect(host.invoked.at(-1)).toEqual({ channel: 'demo.setApp', arg: { app: 'call', running: true } });
    expect(useDemo.getState().error).toBe('scripted');
  });

  it('an engine error on export or report is a message, not a throw', async () => {
    const { bridge, host } = setup();
    await bridge.start();
    host.engine = () => ({ ok: false, error: { code: 'internal', message: 'the engine is not running' } });
    expect(await bridge.exportPcapng()).toEqual({ ok: false, message: 'the engine is not running' });
    expect(await bridge.loadReport()).toEqual({ ok: false, message: 'the engine is not running' });
    expect(await bridge.explain(3)).toEqual({ ok: false, message: 'the engine is not running' });
  });

  it('asks the engine to explain a pair, on the channel of its own', async () => {
    const { bridge, host } = setup();
    await bridge.start();
    const explanation = echoExplanation(12);
    host.engine = (call) => (call.method === 'explain' && (call.params as { pairId: number }).pairId === 12 ? { ok: true, result: explanation } : { ok: false, error: { code: 'bad-request', message: 'no such pair' } });
    expect(await bridge.explain(12)).toEqual({ ok: true, explanation });
    expect(host.invoked.at(-1)).toEqual({ channel: 'engine.explain', arg: { pairId: 12 } });
    expect(await bridge.explain(13)).toEqual({ ok: false, message: 'no such pair' });
  });
});

describe('HTTP transport', () => {
  class FakeEventSource implements EventSourceLike {
    readonly listeners = new Map<string, ((event: { data?: unknown }) => void)[]>();
    closed = false;
    constructor(readonly url: string) {}
    addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
    }
    emit(type: string, data?: string): void {
      for (const listener of this.listeners.get(type) ?? []) listener({ data });
    }
    close(): void {
      this.closed = true;
    }
  }

  function transport(answer: { ok: boolean; status: number; body: string }) {
    const requests: { url: string; body: string; headers: Record<string, string> }[] = [];
    let source: FakeEventSource | undefined;
    const api = httpTransport({
      base: 'http://127.0.0.1:4000/T0KEN/',
      fetch: async (url, init) => {
        requests.push({ url, body: init.body, headers: init.headers });
        return { ok: answer.ok, status: answer.status, json: async () => JSON.parse(answer.body) as unknown, text: async () => answer.body };
      },
      openEvents: (url) => (source = new FakeEventSource(url)),
    });
    return { api, requests, source: () => source! };
  }

  it('invokes by POST to api/<channel> under the token, and returns the result', async () => {
    const { api, requests, source } = transport({ ok: true, status: 200, body: JSON.stringify({ result: { kind: 'browser', canStartEngine: false, version: '1' } }) });
    expect(source().url).toBe('http://127.0.0.1:4000/T0KEN/api/events');
    expect(await api.invoke('host.info', undefined)).toEqual({ kind: 'browser', canStartEngine: false, version: '1' });
    expect(requests).toEqual([{ url: 'http://127.0.0.1:4000/T0KEN/api/host.info', body: '{"arg":null}', headers: { 'Content-Type': 'application/json' } }]);
  });

  it('a refused call throws with the server reason', async () => {
    const { api } = transport({ ok: false, status: 400, body: JSON.stringify({ error: 'unexpected parameter "mtu"' }) });
    await expect(api.invoke('engine.up', { uplink: 'wlan0' })).rejects.toThrow('engine.up: 400 unexpected parameter "mtu"');
  });

  it('delivers events by channel, ignores junk, and tells when the stream (re)opens', () => {
    const { api, source } = transport({ ok: true, status: 200, body: '{}' });
    const links: unknown[] = [];
    let opens = 0;
    const off = api.on('session.link', (link) => links.push(link));
    api.onOpen(() => opens++);
    source().emit('open');
    source().emit('session.link', JSON.stringify({ state: 'connecting', socketPath: '/s' }));
    source().emit('session.link', '{not json');
    source().emit('session.update', JSON.stringify({}));
    off();
    source().emit('session.link', JSON.stringify({ state: 'connecting', socketPath: '/t' }));
    expect(links).toEqual([{ state: 'connecting', socketPath: '/s' }]);
    expect(opens).toBe(1);
    api.close();
    expect(source().closed).toBe(true);
  });
});

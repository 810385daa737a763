// A UI host's link to the engine (core/client/ui-relay.ts) against a real control server with a
// scripted engine: connect, subscribe and watch; batched updates; calls; the states when there is
// no engine, when it dies and comes back, and when its socket is not root's. And the batch itself.

import { chownSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../core/api/messages.js';
import type { EngineLink, SessionUpdate } from '../../core/api/ui-schema.js';
import { UiRelay } from '../../core/client/ui-relay.js';
import { pollUntil } from '../../core/lab/poll.js';
import { UpdateBatch } from '../../core/client/update-batch.js';
import type { FlowInfo } from '../../core/observe/flow-info.js';
import { TrafficCounters } from '../../core/observe/traffic-counters.js';
import { offStatus, startScriptedEngine, type ScriptedEngine } from './ui-engine-fixture.js';

const isRoot = process.getuid?.() === 0;

function flow(id: number, lastSeenMs = 1): FlowInfo {
  return {
    id, protocol: 17, firstSeenMs: 0, lastSeenMs, packets46: 1, bytes46: 40, packets64: 0, bytes64: 0, tcpState: null, remoteName: null, program: null,
    v4: { local: '192.0.0.1', localPort: 1000 + id, remote: '203.0.113.10', remotePort: 53 },
    v6: { local: '2001:db8::c1a7', localPort: 1000 + id, remote: '64:ff9b::cb00:710a', remotePort: 53 },
  };
}

function updateEvent(changed: FlowInfo[], removed: number[] = [], complete = true): EngineEvent {
  return { event: 'update', counters: new TrafficCounters().snapshot(), rate: null, flows: { seq: 1, changed, removed, complete }, trace: null };
}

const until = <T>(read: () => T | undefined, what: string, timeoutMs = 5000) => pollUntil(async () => read(), { timeoutMs, what, intervalMs: 10 });

let engine: ScriptedEngine | undefined;
let relay: UiRelay | undefined;
afterEach(async () => {
  relay?.stop();
  await engine?.remove();
  engine = undefined;
  relay = undefined;
});

function startRelay(socketPath: string) {
  const links: EngineLink[] = [];
  const updates: SessionUpdate[] = [];
  relay = new UiRelay({ socketPath, onLink: (link) => links.push(link), onUpdate: (update) => updates.push(update), updateIntervalMs: 30 });
  relay.start();
  return { relay, links, updates };
}

describe.skipIf(!isRoot)('UI relay', () => {
  it('connects, subscribes, watches and fetches the flows; then passes calls through', async () => {
    engine = await startScriptedEngine();
    engine.flows = [flow(1)];
    const { relay, links } = startRelay(engine.socketPath);
    // It starts out connecting (current()); it never says so again (retries keep the problem shown).
    expect(relay.current()).toEqual({ state: 'connecting', socketPath: engine.socketPath });
    const connected = await until(() => links.find((link) => link.state === 'connected'), 'connected');
    expect(links.map((link) => link.state)).toEqual(['connected']);
    expect(connected.state === 'connected' && connected.flows.map((f) => f.id)).toEqual([1]);
    expect(engine.calls).toEqual(['subscribe', 'watch', 'flows']);
    expect(await relay.call('up', {})).toEqual({ ok: true, result: { state: 'discovering', mode: 'manual', uplink: 'wlan0', sinceMs: 1 } });
  });

  it('batches the engine events into one update per interval, and keeps current() up to date', async () => {
    engine = await startScriptedEngine();
    const { relay, links, updates } = startRelay(engine.socketPath);
    await until(() => links.find((link) => link.state === 'connected'), 'connected');
    engine.push(updateEvent([flow(1), flow(2)]));
    engine.push(updateEvent([flow(2, 5)], [1]));
    engine.push({ event: 'status', status: { state: 'discovering', mode: 'manual', uplink: 'wlan0', sinceMs: 9 } });
    const update = await until(() => updates.find((u) => u.status !== null), 'the batch with the status');
    expect(updates).toHaveLength(1);
    expect(update.flowsChanged.map((f) => [f.id, f.lastSeenMs])).toEqual([[2, 5]]);
    expect(update.flowsRemoved).toEqual([1]);
    const current = relay.current();
    expect(current.state === 'connected' && current.snapshot.status.state).toBe('discovering');
    expect(current.state === 'connected' && current.flows.map((f) => f.id)).toEqual([2]);
  });

  it('refetches the whole flow table when the engine says its changes are incomplete', async () => {
    engine = await startScriptedEngine();
    const { links, updates } = startRelay(engine.socketPath);
    await until(() => links.find((link) => link.state === 'connected'), 'connected');
    engine.flows = [flow(7), flow(8)];
    engine.push(updateEvent([], [], false));
    const update = await until(() => updates.find((u) => u.flowsReplaced), 'a replacement');
    expect(update.flowsChanged.map((f) => f.id)).toEqual([7, 8]);
  });

  it('no engine: says so with the fix, keeps trying, and connects when one appears', async () => {
    engine = await startScriptedEngine();
    await engine.stop();
    const { relay, links } = startRelay(engine.socketPath);
    const down = await until(() => links.find((link) => link.state === 'unavailable'), 'unavailable');
    expect(down).toMatchObject({ state: 'unavailable', problem: 'not-running', fix: 'Start the engine: sudo clatter engine (or: sudo systemctl start clatter)' });
    expect(await relay.call('status', {})).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringContaining('the engine is not running') } });
    // Retries keep the problem shown: no "connecting" between one failure and the next.
    await until(() => (links.length >= 2 ? links : undefined), 'a second attempt');
    await engine.restart();
    await until(() => links.find((link) => link.state === 'connected'), 'connected after the engine started', 8000);
    expect(links.map((link) => link.state)).not.toContain('connecting');
    expect(links.at(-1)?.state).toBe('connected');
  });

  it('the engine dies: lost, then back when it restarts', async () => {
    engine = await startScriptedEngine();
    const { links } = startRelay(engine.socketPath);
    await until(() => links.find((link) => link.state === 'connected'), 'connected');
    await engine.stop();
    const lost = await until(() => links.find((link) => link.state === 'unavailable'), 'lost');
    expect(lost).toMatchObject({ problem: 'lost' });
    await engine.restart();
    await until(() => (links.filter((link) => link.state === 'connected').length === 2 ? true : undefined), 'connected again', 8000);
  });

  it('refuses a socket that is not root’s', async () => {
    engine = await startScriptedEngine();
    chownSync(engine.socketPath, 65534, 65534);
    const { links } = startRelay(engine.socketPath);
    const refused = await until(() => links.find((link) => link.state === 'unavailable'), 'refusal');
    expect(refused).toMatchObject({ problem: 'untrusted-socket', message: `${engine.socketPath} belongs to uid 65534, not root: refusing to trust it` });
    expect(engine.calls).toEqual([]);
  });
});

describe('update batch (the telemetry throttle)', () => {
  it('newest status and counters win, flows fold by id, removed flows are not sent as changed', () => {
    const batch = new UpdateBatch();
    expect(batch.empty).toBe(true);
    batch.add({ event: 'status', status: offStatus });
    batch.add(updateEvent([flow(1), flow(2)]));
    batch.add(updateEvent([flow(1, 9)], [2]));
    expect(batch.empty).toBe(false);
    const update = batch.take();
    expect(update.status).toEqual(offStatus);
    expect(update.flowsChanged.map((f) => [f.id, f.lastSeenMs])).toEqual([[1, 9]]);
    expect(update.flowsRemoved).toEqual([2]);
    expect(batch.empty).toBe(true);
    expect(batch.take().flowsChanged).toEqual([]);
  });

  it('keeps the newest maxPairs trace pairs and counts the rest as skipped', () => {
    const batch = new UpdateBatch(3);
    const pair = (id: number) => ({ id, atMs: id, direction: 46 as const, verdict: 'translated', generated: false, flowId: 1, outputCount: 1, input: { family: 4 as const, length: 0, bytes: '' }, output: null, program: null });
    batch.add({ event: 'trace', pairs: [pair(1), pair(2)], skipped: 1, lost: 2 });
    batch.add({ ...updateEvent([]), trace: { pairs: [pair(3), pair(4), pair(5)], skipped: 0, lost: 0 } } as EngineEvent);
    const update = batch.take();
    expect(update.pairs.map((p) => p.id)).toEqual([3, 4, 5]);
    expect([update.skipped, update.lost]).toEqual([3, 2]);
  });
});

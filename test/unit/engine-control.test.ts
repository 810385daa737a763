// The engine's control protocol end to end, on a Unix socket in a temporary directory, with a
// scripted handler in place of the CLAT: framing, validation, errors as values, subscriptions, the
// peer check, a second engine on the same socket, and the CLI client commands.

import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LineDecoder, encodeLine } from '../../core/api/framing.js';
import { parseRequest } from '../../core/api/messages.js';
import type { ClatStatus } from '../../core/api/status.js';
import { runClatter } from './cli-fixture.js';
import { EngineClient } from '../../core/client/engine-client.js';
import { ControlServer, type Connection, type Handler } from '../../core/engine/control-server.js';
import { TrafficCounters } from '../../core/observe/traffic-counters.js';

const root = mkdtempSync(join(tmpdir(), 'clatter-control-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let sockets = 0;
const socketPath = () => join(root, `run${++sockets}`, 'engine.sock');

const off: ClatStatus = { state: 'off', mode: 'manual' };
const running: ClatStatus = {
  state: 'running', mode: 'manual', uplink: 'wlan0', tun: 'clat', clatIpv4: '192.0.0.1', clatIpv6: '2001:db8:1:2::c1a7',
  prefix: { prefix: '2001:db8:64::/96', source: 'ra', learnedAtMs: 0, expiresAtMs: Date.now() + 600_000 },
  mtu: 1472, delivery: 'force-forwarding', sinceMs: Date.now(),
  counters: { translated46: 3, translated64: 2, bytes46: 300, bytes64: 200, superPackets46: 0, superPackets64: 0, dropped: { ttlExpired: 1 } },
};

function scriptedHandler(): Handler & { upCalls: unknown[]; subscribers: Set<Connection> } {
  const upCalls: unknown[] = [];
  const subscribers = new Set<Connection>();
  let status: ClatStatus = off;
  return {
    upCalls,
    subscribers,
    status: async () => ({ ok: true, result: status }),
    subscribe: async (_request, connection) => {
      subscribers.add(connection);
      connection.onClose(() => subscribers.delete(connection));
      return { ok: true, result: status };
    },
    up: async (request) => {
      upCalls.push(request.params);
      if (request.params.uplink === 'nosuch') return { ok: false, error: { code: 'unknown-uplink', message: 'no interface named "nosuch"' } };
      status = running;
      return { ok: true, result: status };
    },
    down: async () => {
      status = off;
      return { ok: true, result: status };
    },
    snapshot: async (request) => ({
      ok: true,
      result: { status, counters: new TrafficCounters().snapshot(), rates: new Array(request.params.rateSeconds ?? 60).fill(null) },
    }),
    // The rest of the protocol is the engine's (control-handler.ts); the lab tests exercise it.
    flows: async () => ({ ok: true, result: { flows: [], capacity: 8192, expired: 0, evicted: 0 } }),
    report: async () => ({ ok: true, result: { sinceMs: 0, entries: [] } }),
    trace: async () => ({ ok: true, result: { newestPairId: 0 } }),
    watch: async () => ({ ok: false, error: { code: 'internal', message: 'not scripted' } }),
    export: async () => ({ ok: true, result: { ipv4Interface: 'clat', ipv6Interface: 'wlan0', pairs: [] } }),
    explain: async (request) => ({ ok: false, error: { code: 'no-such-pair', message: `pair ${request.params.pairId} has not been recorded yet (it holds none yet)` } }),
  };
}

async function startServer(handler: Handler, checkPeer: () => string | undefined = () => undefined) {
  const path = socketPath();
  const server = new ControlServer({ socketPath: path, groupId: null, handler, checkPeer, log: () => {} });
  const listening = await server.listen();
  expect(listening).toEqual({ ok: true });
  return { path, server };
}

const cli = runClatter;

describe('framing and validation (core/api)', () => {
  it('splits lines across chunks, skips blank lines and refuses an endless line', () => {
    const decoder = new LineDecoder(32);
    expect(decoder.push('{"a":')).toEqual([]);
    expect(decoder.push('1}\n\n{"b":2}\nnot json\n')).toEqual([{ ok: true, value: { a: 1 } }, { ok: true, value: { b: 2 } }, { ok: false, error: 'not valid JSON' }]);
    expect(decoder.push('x'.repeat(40))).toEqual([{ ok: false, error: 'message longer than 32 bytes' }]);
    expect(encodeLine({ id: 1 })).toBe('{"id":1}\n');
  });

  it('validates requests against the one schema', () => {
    expect(parseRequest({ id: 1, method: 'up', params: { uplink: 'wlan0', force: true } })).toEqual({ ok: true, request: { id: 1, method: 'up', params: { uplink: 'wlan0', force: true } } });
    expect(parseRequest({ id: 2, method: 'status' })).toEqual({ ok: true, request: { id: 2, method: 'status', params: {} } });
    expect(parseRequest([])).toEqual({ ok: false, id: null, error: 'a request must be a JSON object' });
    expect(parseRequest({ id: 'x', method: 'up' })).toEqual({ ok: false, id: null, error: '"id" must be an integer' });
    expect(parseRequest({ id: 3, method: 'reboot' })).toEqual({ ok: false, id: 3, error: 'unknown method "reboot"' });
    expect(parseRequest({ id: 4, method: 'up', params: { force: 'yes' } })).toEqual({ ok: false, id: 4, error: '"force" must be true or false' });
    expect(parseRequest({ id: 5, method: 'up', params: { mtu: 1 } })).toEqual({ ok: false, id: 5, error: 'unexpected parameter "mtu"' });
    expect(parseRequest({ id: 6, method: 'down', params: { now: true } })).toEqual({ ok: false, id: 6, error: 'unexpected parameter "now"' });
    expect(parseRequest({ id: 7, method: 'snapshot', params: { rateSeconds: 120 } })).toMatchObject({ ok: true });
    expect(parseRequest({ id: 8, method: 'snapshot', params: { rateSeconds: 7200 } })).toEqual({ ok: false, id: 8, error: '"rateSeconds" must be a whole number from 0 to 3600' });
    expect(parseRequest({ id: 9, method: 'explain', params: { pairId: 12 } })).toMatchObject({ ok: true });
    expect(parseRequest({ id: 10, method: 'explain', params: { pairId: 0 } })).toEqual({ ok: false, id: 10, error: '"pairId" must be a pair number (a whole number from 1)' });
    expect(parseRequest({ id: 11, method: 'explain', params: {} })).toMatchObject({ ok: false });
  });
});

describe('control server and clients', () => {
  it('answers in order, with errors as values, and pushes status events to subscribers', async () => {
    const handler = scriptedHandler();
    const { path, server } = await startServer(handler);
    const events: ClatStatus[] = [];
    const connected = await EngineClient.connect(path, (event) => {
      if (event.event === 'status') events.push(event.status);
    });
    if (!connected.ok) throw new Error(connected.error);
    const client = connected.client;
    expect(await client.call('status', {})).toEqual({ ok: true, result: off });
    expect(await client.call('subscribe', {})).toEqual({ ok: true, result: off });
    expect(await client.call('up', { uplink: 'nosuch' })).toEqual({ ok: false, error: { code: 'unknown-uplink', message: 'no interface named "nosuch"' } });
    const [a, b] = await Promise.all([client.call('up', { uplink: 'wlan0' }), client.call('status', {})]);
    expect(a.ok && a.result.state).toBe('running');
    expect(b.ok && b.result.state).toBe('running'); // answered after `up`
    expect(handler.subscribers.size).toBe(1);
    for (const connection of handler.subscribers) connection.send({ event: 'status', status: running });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.map((e) => e.state)).toEqual(['running']);
    client.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handler.subscribers.size).toBe(0); // the connection's close ended the subscription
    await server.close();
  });

  it('closes a connection that sends something other than JSON lines', async () => {
    const { path, server } = await startServer(scriptedHandler());
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(path);
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => void (text += chunk));
      socket.on('close', () => resolve(text));
      socket.write('hello engine\n');
    });
    expect(JSON.parse(reply)).toEqual({ id: 0, ok: false, error: { code: 'bad-request', message: 'not valid JSON' } });
    await server.close();
  });

  it('refuses a peer the check rejects, and the client says why', async () => {
    const { path, server } = await startServer(scriptedHandler(), () => 'process 1 (uid 1000) is neither root nor in the "clatter" group');
    const connected = await EngineClient.connect(path);
    if (!connected.ok) throw new Error(connected.error);
    const answer = await connected.client.call('status', {});
    expect(answer).toEqual({ ok: false, error: { code: 'internal', message: 'process 1 (uid 1000) is neither root nor in the "clatter" group' } });
    await server.close();
  });

  it('will not start a second engine on a live socket, but replaces a stale one', async () => {
    const { path, server } = await startServer(scriptedHandler());
    const second = new ControlServer({ socketPath: path, groupId: null, handler: scriptedHandler(), checkPeer: () => undefined, log: () => {} });
    expect(await second.listen()).toEqual({ ok: false, error: `another engine is already listening on ${path}` });
    await server.close();
    const third = new ControlServer({ socketPath: path, groupId: null, handler: scriptedHandler(), checkPeer: () => undefined, log: () => {} });
    expect(await third.listen()).toEqual({ ok: true });
    await third.close();
  });

  it('clatter up/status/down talk to the engine and print its status', async () => {
    const handler = scriptedHandler();
    const { path, server } = await startServer(handler);
    const up = await cli('up', '--socket', path, '--uplink', 'wlan0', '--prefix', '2001:db8:64::/96', '--force');
    expect(up.code).toBe(0);
    expect(handler.upCalls).toEqual([{ uplink: 'wlan0', prefix: '2001:db8:64::/96', force: true }]);
    expect(up.stdout).toMatch(/^state\s+running \(mode manual\)$/m);
    expect(up.stdout).toMatch(/^NAT64 prefix\s+2001:db8:64::\/96 from Router Advertisement \(PREF64, RFC 8781\), expires in 10 min$/m);
    expect(up.stdout).toMatch(/^dropped\s+ttlExpired 1$/m);
    const status = await cli('status', '--socket', path, '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'running', clatIpv4: '192.0.0.1' });
    const failed = await cli('up', '--socket', path, '--uplink', 'nosuch');
    expect(failed).toMatchObject({ code: 1, stderr: 'clatter up: no interface named "nosuch"\n' });
    expect((await cli('down', '--socket', path)).stdout).toMatch(/^state\s+off/m);
    await server.close();
    const gone = await cli('status', '--socket', path);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^clatter status: the engine is not running \(no socket at .*\); start it with: sudo clatter engine\n$/);
    expect((await cli('up', '--bogus')).code).toBe(2);
  });

  it('clatter explain asks for one pair and says plainly when the ring no longer holds it', async () => {
    const { path, server } = await startServer(scriptedHandler());
    const gone = await cli('explain', '--socket', path, '#41');
    expect(gone).toMatchObject({ code: 1, stdout: '', stderr: 'clatter explain: pair 41 has not been recorded yet (it holds none yet)\n' });
    expect((await cli('explain', '--socket', path, 'x41')).code).toBe(2);
    expect((await cli('explain', '--socket', path)).code).toBe(2);
    expect((await cli('explain', '--socket', path, '1', '2')).code).toBe(2);
    await server.close();
  });
});

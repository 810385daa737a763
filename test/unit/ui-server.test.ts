// The browser mode's server (core/ui-server) over real HTTP on loopback, in front of a scripted
// engine: who may ask (token, Host, Origin, Sec-Fetch-Site), the static renderer, invoke channels
// validated by the schema, and the event stream. Also the guard's rules on their own.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardRequest } from '../../core/ui-server/request-guard.js';
import { readStaticFile } from '../../core/ui-server/static-files.js';
import { startUiServer, type UiServer } from '../../core/ui-server/ui-server.js';
import { startScriptedEngine, type ScriptedEngine } from './ui-engine-fixture.js';

const isRoot = process.getuid?.() === 0;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function send(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string; firstChunkOnly?: boolean }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: { Host: `127.0.0.1:${port}`, ...options.headers } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (options.firstChunkOnly) {
          response.destroy();
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        }
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

describe('request guard', () => {
  const token = 'abcdefghijklmnopqrstuvwxyz012345';
  const ok = { host: '127.0.0.1:8000', origin: undefined, fetchSite: undefined };

  it('accepts the token path from loopback names of this port', () => {
    expect(guardRequest({ ...ok, path: `/${token}/` }, 8000, token)).toEqual({ ok: true, rest: '/' });
    expect(guardRequest({ ...ok, path: `/${token}` }, 8000, token)).toEqual({ ok: true, rest: '/' });
    expect(guardRequest({ ...ok, host: 'localhost:8000', path: `/${token}/api/host.info`, origin: 'http://localhost:8000', fetchSite: 'same-origin' }, 8000, token)).toEqual({ ok: true, rest: '/api/host.info' });
    expect(guardRequest({ ...ok, host: '[::1]:8000', path: `/${token}/assets/a.js` }, 8000, token)).toMatchObject({ ok: true });
  });

  it('refuses other names (DNS rebinding), other ports, other origins and cross-site requests', () => {
    expect(guardRequest({ ...ok, host: 'evil.example:8000', path: `/${token}/` }, 8000, token)).toMatchObject({ ok: false, status: 403 });
    expect(guardRequest({ ...ok, host: '127.0.0.1:8001', path: `/${token}/` }, 8000, token)).toMatchObject({ ok: false, status: 403 });
    expect(guardRequest({ ...ok, host: undefined, path: `/${token}/` }, 8000, token)).toMatchObject({ ok: false, status: 403 });
    expect(guardRequest({ ...ok, origin: 'http://evil.example', path: `/${token}/api/x` }, 8000, token)).toMatchObject({ ok: false, status: 403 });
    expect(guardRequest({ ...ok, origin: 'null', path: `/${token}/api/x` }, 8000, token)).toMatchObject({ ok: false, status: 403 });
    expect(guardRequest({ ...ok, fetchSite: 'cross-site', path: `/${token}/` }, 8000, token)).toMatchObject({ ok: false, status: 403 });
  });

  it('without the exact token everything is not found', () => {
    expect(guardRequest({ ...ok, path: '/' }, 8000, token)).toMatchObject({ ok: false, status: 404 });
    expect(guardRequest({ ...ok, path: `/${token.slice(0, -1)}x/` }, 8000, token)).toMatchObject({ ok: false, status: 404 });
    expect(guardRequest({ ...ok, path: `/${token}extra/` }, 8000, token)).toMatchObject({ ok: false, status: 404 });
  });
});

describe('static files', () => {
  const parent = mkdtempSync(join(tmpdir(), 'clatter-static-'));
  const root = join(parent, 'renderer');
  afterAll(() => rmSync(parent, { recursive: true, force: true }));
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<p>hi</p>');
  writeFileSync(join(root, 'assets', 'app-1.js'), 'x');
  writeFileSync(join(root, 'secret.txt'), 'no');
  writeFileSync(join(root, '..', 'outside.js'), 'no');

  it('serves index.html for / and assets by type, cacheable only under assets/', async () => {
    expect(await readStaticFile(root, '/')).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheable: false });
    expect(await readStaticFile(root, '/assets/app-1.js')).toMatchObject({ contentType: 'text/javascript; charset=utf-8', cacheable: true });
  });

  it('serves nothing outside the root, of unknown types, or directories', async () => {
    expect(await readStaticFile(root, '/../outside.js')).toBeNull();
    expect(await readStaticFile(root, '/%2e%2e/outside.js')).toBeNull();
    expect(await readStaticFile(root, '/secret.txt')).toBeNull();
    expect(await readStaticFile(root, '/assets')).toBeNull();
    expect(await readStaticFile(root, '/%E0%A4%A')).toBeNull();
  });
});

describe.skipIf(!isRoot)('the browser-mode server', () => {
  let engine: ScriptedEngine;
  let server: UiServer;
  let token = '';
  const staticRoot = mkdtempSync(join(tmpdir(), 'clatter-ui-static-'));

  beforeAll(async () => {
    writeFileSync(join(staticRoot, 'index.html'), '<!doctype html><title>Clatter</title>');
    engine = await startScriptedEngine();
    server = await startUiServer({ socketPath: engine.socketPath, port: 0, staticRoot });
    token = new URL(server.url).pathname.split('/')[1];
    // Connected once the relay has subscribed.
    for (let i = 0; i < 200 && !engine.calls.includes('flows'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  });

  afterAll(async () => {
    await server?.close();
    await engine?.remove();
    rmSync(staticRoot, { recursive: true, force: true });
  });

  const post = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
    send(server.port, { method: 'POST', path: `/${token}/api/${channel}`, headers: { 'Content-Type': 'application/json', Origin: `http://127.0.0.1:${server.port}`, ...headers }, body: JSON.stringify(body) });

  it('prints a loopback URL with a long random token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/[A-Za-z0-9_-]{32}/$`));
  });

  it('serves the page under the token, with a strict CSP and no referrer', async () => {
    const page = await send(server.port, { path: `/${token}/` });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Clatter</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect((await send(server.port, { path: '/' })).status).toBe(404);
    expect((await send(server.port, { path: `/${token}/`, headers: { Host: `attacker.example:${server.port}` } })).status).toBe(403);
  });

  it('answers invoke channels, validated by the schema', async () => {
    const info = await post('host.info', { arg: null });
    expect(info.status).toBe(200);
    expect(JSON.parse(info.body)).toEqual({ result: { kind: 'browser', canStartEngine: false, version: expect.any(String) } });
    const up = await post('engine.up', { arg: {} });
    expect(JSON.parse(up.body)).toEqual({ result: { ok: true, result: { state: 'discovering', mode: 'manual', uplink: 'wlan0', sinceMs: 1 } } });
    expect(engine.calls).toContain('up');
    const current = JSON.parse((await post('session.current', { arg: null })).body) as { result: { state: string } };
    expect(current.result.state).toBe('connected');
    // No demo behind this server: the screen shows no demo apps, and cannot start any.
    expect(JSON.parse((await post('demo.state', { arg: null })).body)).toEqual({ result: null });
    expect(JSON.parse((await post('demo.setApp', { arg: { app: 'call', running: true } })).body)).toEqual({ result: { ok: false, error: 'no demo runs here' } });
    expect((await post('demo.setApp', { arg: { app: 'skype', running: true } })).status).toBe(400);
  });

  it('refuses what the schema does not allow, and calls from other origins', async () => {
    // Streams are the host's: the UI has no channel for them.
    expect(await post('engine.watch', { arg: {} })).toMatchObject({ status: 404, body: 'no such channel' });
    expect(await post('engine.up', { arg: { mtu: 1 } })).toMatchObject({ status: 400, body: '{"error":"unexpected parameter \\"mtu\\""}' });
    expect(await post('host.setFullScreen', { arg: 'yes' })).toMatchObject({ status: 400 });
    expect((await post('engine.nosuch', { arg: null })).status).toBe(404);
    expect((await post('host.info', { arg: null }, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await post('host.info', { arg: null }, { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await send(server.port, { path: `/${token}/api/host.info` })).status).toBe(405);
    const tooBig = await send(server.port, { method: 'POST', path: `/${token}/api/host.info`, headers: { 'Content-Type': 'application/json' }, body: 'x'.repeat(100_000) });
    expect(tooBig.status).toBe(413);
  });

  it('streams events, starting with the current link', async () => {
    const events = await send(server.port, { path: `/${token}/api/events`, firstChunkOnly: true });
    expect(events.status).toBe(200);
    expect(events.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(events.body).toMatch(/^event: session\.link\ndata: \{"state":"connected",/);
  });
});

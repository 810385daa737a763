// The Electron host's handlers and the save dialog path: what each channel does, and that a
// started engine is connected to at once.

import { describe, expect, it, vi } from 'vitest';
import { hostHandlers, type HostDeps } from '../../../electron/main/host-handlers.js';
import { saveFile } from '../../../electron/main/save-file.js';
import { notRunning } from './fixtures.js';

function deps(started: { ok: true } | { ok: false; error: string }) {
  const relay = { call: vi.fn(async () => ({ ok: true as const, result: { state: 'off' as const, mode: 'manual' as const } })), current: vi.fn(() => notRunning), retryNow: vi.fn() };
  const d = {
    version: '0.1.0',
    relay,
    starter: { canStart: true, start: vi.fn(async () => started) },
    setFullScreen: vi.fn(),
    saveFile: vi.fn(async () => ({ ok: true as const, saved: false, path: null })),
  } satisfies HostDeps;
  return d;
}

describe('hostHandlers', () => {
  it('says it is Electron and whether it can start an engine', async () => {
    const d = deps({ ok: true });
    await expect(hostHandlers(d)['host.info']()).resolves.toEqual({ kind: 'electron', canStartEngine: true, version: '0.1.0' });
    await expect(hostHandlers({ ...d, starter: { ...d.starter, canStart: false } })['host.info']()).resolves.toMatchObject({ canStartEngine: false });
  });

  it('retries the engine at once after a start, not after a failed one', async () => {
    const ok = deps({ ok: true });
    await expect(hostHandlers(ok)['engine.start']()).resolves.toEqual({ ok: true });
    expect(ok.relay.retryNow).toHaveBeenCalledOnce();
    const refused = deps({ ok: false, error: 'cancelled' });
    await expect(hostHandlers(refused)['engine.start']()).resolves.toEqual({ ok: false, error: 'cancelled' });
    expect(refused.relay.retryNow).not.toHaveBeenCalled();
  });

  it('passes engine calls, full screen, files and the link through', async () => {
    const d = deps({ ok: true });
    const h = hostHandlers(d);
    await h['engine.status']({});
    expect(d.relay.call).toHaveBeenCalledWith('status', {});
    await h['engine.up']({ uplink: 'wlan0' });
    expect(d.relay.call).toHaveBeenLastCalledWith('up', { uplink: 'wlan0' });
    await h['host.setFullScreen'](true);
    expect(d.setFullScreen).toHaveBeenCalledWith(true);
    await h['host.saveFile']({ name: 'a.pcapng', base64: 'AAAA' });
    expect(d.saveFile).toHaveBeenCalledWith({ name: 'a.pcapng', base64: 'AAAA' });
    await expect(h['session.current']()).resolves.toBe(notRunning);
  });
});

describe('saveFile', () => {
  it('suggests the name in the default folder and writes the decoded bytes where the user chose', async () => {
    const writeFile = vi.fn(async () => {});
    const choosePath = vi.fn(async () => '/home/me/chosen.pcapng');
    const result = await saveFile({ name: 'clatter-trace.pcapng', base64: 'CgsMDQ==' }, { choosePath, defaultDir: '/home/me/Downloads', writeFile });
    expect(choosePath).toHaveBeenCalledWith('/home/me/Downloads/clatter-trace.pcapng');
    expect(writeFile).toHaveBeenCalledWith('/home/me/chosen.pcapng', Buffer.from([0x0a, 0x0b, 0x0c, 0x0d]));
    expect(result).toEqual({ ok: true, saved: true, path: '/home/me/chosen.pcapng' });
  });

  it('writes nothing when the user cancels, and reports write errors as values', async () => {
    const writeFile = vi.fn(async () => {
      throw new Error('EACCES: permission denied');
    });
    await expect(saveFile({ name: 'a.pcapng', base64: '' }, { choosePath: async () => null, defaultDir: '/d', writeFile })).resolves.toEqual({ ok: true, saved: false, path: null });
    expect(writeFile).not.toHaveBeenCalled();
    await expect(saveFile({ name: 'a.pcapng', base64: '' }, { choosePath: async () => '/ro/a.pcapng', defaultDir: '/d', writeFile })).resolves.toEqual({
      ok: false,
      error: 'cannot write /ro/a.pcapng: EACCES: permission denied',
    });
  });
});

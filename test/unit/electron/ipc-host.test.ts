// The main process's IPC host: every invoke channel of the schema is handled, each message is
// refused unless it comes from our window's main frame with an argument the schema accepts, and
// handlers see only validated arguments. No Electron: ipcMain is a fake with the same two methods.

import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { uiChannels, type InvokeHandlers } from '../../../core/api/ui-schema.js';
import { handleInvoke, registerIpcHost, sendNotify, type IpcMainLike } from '../../../electron/main/ipc-host.js';
import type { IpcReply } from '../../../electron/ipc-reply.js';
import { notRunning } from './fixtures.js';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<IpcReply>;

function fakeIpcMain() {
  const listeners = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      if (listeners.has(channel)) throw new Error(`second handler for ${channel}`);
      listeners.set(channel, listener);
    },
    removeHandler: (channel) => listeners.delete(channel),
  };
  return { ipcMain, listeners };
}

function handlers(): InvokeHandlers & { [K in keyof InvokeHandlers]: ReturnType<typeof vi.fn> } {
  return {
    'host.info': vi.fn(async () => ({ kind: 'electron' as const, canStartEngine: true, version: '0.1.0' })),
    'host.setFullScreen': vi.fn(async () => undefined),
    'host.saveFile': vi.fn(async () => ({ ok: true as const, saved: false, path: null })),
    'engine.up': vi.fn(async () => ({ ok: true as const, result: { state: 'off' as const, mode: 'manual' as const } })),
    'engine.start': vi.fn(async () => ({ ok: true as const })),
    'session.current': vi.fn(async () => notRunning),
  } as never;
}

const ours = { sender: 'window' } as unknown as IpcMainInvokeEvent;
const stranger = { sender: 'other' } as unknown as IpcMainInvokeEvent;
const isOurs = (event: IpcMainInvokeEvent) => event === ours;

describe('registerIpcHost', () => {
  it('handles exactly the schema\'s invoke channels and unregisters them all', () => {
    const { ipcMain, listeners } = fakeIpcMain();
    const unregister = registerIpcHost(ipcMain, handlers(), isOurs);
    expect([...listeners.keys()].sort()).toEqual([...uiChannels.invoke].sort());
    expect(listeners.has('session.update')).toBe(false);
    unregister();
    expect(listeners.size).toBe(0);
  });

  it('routes a valid message to its handler with the parsed argument', async () => {
    const { ipcMain, listeners } = fakeIpcMain();
    const h = handlers();
    registerIpcHost(ipcMain, h, isOurs);
    const reply = await listeners.get('engine.up')!(ours, { uplink: 'wlan0' });
    // The IPC envelope around the engine's own answer (itself a value with `ok`).
    expect(reply).toEqual({ ok: true, result: { ok: true, result: { state: 'off', mode: 'manual' } } });
    expect(h['engine.up']).toHaveBeenCalledWith({ uplink: 'wlan0' });
    expect(h['engine.start']).not.toHaveBeenCalled();

    await expect(listeners.get('host.setFullScreen')!(ours, true)).resolves.toEqual({ ok: true, result: null });
    expect(h['host.setFullScreen']).toHaveBeenCalledWith(true);
    await expect(listeners.get('session.current')!(ours, undefined)).resolves.toEqual({ ok: true, result: notRunning });
  });

  it('refuses messages from any other sender before looking at them', async () => {
    const { ipcMain, listeners } = fakeIpcMain();
    const h = handlers();
    const log = vi.fn();
    registerIpcHost(ipcMain, h, isOurs, log);
    for (const channel of uiChannels.invoke) {
      const reply = await listeners.get(channel)!(stranger, undefined);
      expect(reply).toEqual({ ok: false, error: 'refused: not from the Clatter window' });
    }
    for (const handler of Object.values(h)) expect(handler).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledTimes(uiChannels.invoke.length);
  });

  it('refuses arguments the schema rejects, naming the channel', async () => {
    const { ipcMain, listeners } = fakeIpcMain();
    const h = handlers();
    registerIpcHost(ipcMain, h, isOurs);
    const bad: [string, unknown][] = [
      ['engine.up', { uplink: 7 }],
      ['engine.status', 'status'],
      ['host.setFullScreen', 'yes'],
      ['host.saveFile', { name: '../../etc/passwd', base64: '' }],
      ['host.saveFile', { name: 'trace.pcapng', base64: 'not base64!' }],
      ['host.info', { anything: true }],
      ['engine.start', 1],
    ];
    for (const [channel, arg] of bad) {
      const reply = await listeners.get(channel)!(ours, arg);
      expect(reply.ok, `${channel} ${JSON.stringify(arg)}`).toBe(false);
      if (!reply.ok) expect(reply.error.startsWith(`${channel}: `)).toBe(true);
    }
    for (const handler of Object.values(h)) expect(handler).not.toHaveBeenCalled();
  });

  it('refuses extra arguments', async () => {
    const { ipcMain, listeners } = fakeIpcMain();
    const h = handlers();
    registerIpcHost(ipcMain, h, isOurs);
    await expect(listeners.get('host.setFullScreen')!(ours, true, 'extra')).resolves.toEqual({ ok: false, error: 'host.setFullScreen takes one argument' });
    expect(h['host.setFullScreen']).not.toHaveBeenCalled();
  });

  it('answers a throwing handler with a value, not a rejection', async () => {
    const { ipcMain, listeners } = fakeIpcMain();
    const h = handlers();
    h['engine.start'].mockRejectedValueOnce(new Error('boom'));
    const log = vi.fn();
    registerIpcHost(ipcMain, h, isOurs, log);
    await expect(listeners.get('engine.start')!(ours)).resolves.toEqual({ ok: false, error: 'engine.start failed: boom' });
    expect(log).toHaveBeenCalledOnce();
  });
});

describe('handleInvoke', () => {
  it('refuses a channel that is not in the schema', async () => {
    const h = handlers();
    await expect(handleInvoke('engine.watch', ours, [{}], h, isOurs, () => {})).resolves.toEqual({ ok: false, error: 'unknown channel "engine.watch"' });
    await expect(handleInvoke('session.update', ours, [{}], h, isOurs, () => {})).resolves.toMatchObject({ ok: false });
    await expect(handleInvoke('__proto__', ours, [], h, isOurs, () => {})).resolves.toMatchObject({ ok: false });
  });
});

describe('sendNotify', () => {
  it('sends on the channel while the target lives, and drops it after', () => {
    const send = vi.fn();
    let destroyed = false;
    const target = { isDestroyed: () => destroyed, send };
    sendNotify(target, 'session.link', notRunning);
    expect(send).toHaveBeenCalledWith('session.link', notRunning);
    destroyed = true;
    sendNotify(target, 'session.link', notRunning);
    sendNotify(null, 'session.link', notRunning);
    expect(send).toHaveBeenCalledOnce();
  });
});

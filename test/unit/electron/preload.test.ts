// The preload, with electron mocked: what it exposes to the page, that it refuses channels outside
// the schema without bothering main, that it unwraps main's replies, and that listeners get only
// the payload (never Electron's event, which would leak `sender`).

import { describe, expect, it, vi } from 'vitest';

const bridge = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(),
  listeners: new Map<string, Set<(...args: unknown[]) => void>>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => bridge.exposed.set(key, api) },
  ipcRenderer: {
    invoke: bridge.invoke,
    on: (channel: string, listener: (...args: unknown[]) => void) => {
      if (!bridge.listeners.has(channel)) bridge.listeners.set(channel, new Set());
      bridge.listeners.get(channel)!.add(listener);
    },
    removeListener: (channel: string, listener: (...args: unknown[]) => void) => bridge.listeners.get(channel)?.delete(listener),
  },
}));

import { uiChannels, type ClatterIpc } from '../../../core/api/ui-schema.js';
import { notRunning } from './fixtures.js';

await import('../../../electron/preload.js');
const api = bridge.exposed.get('clatterIpc') as ClatterIpc;

describe('preload', () => {
  it('exposes exactly one object, clatterIpc, with invoke and on', () => {
    expect([...bridge.exposed.keys()]).toEqual(['clatterIpc']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
  });

  it('invokes the schema\'s channels and resolves with the result', async () => {
    bridge.invoke.mockResolvedValueOnce({ ok: true, result: notRunning });
    await expect(api.invoke('session.current', undefined)).resolves.toEqual(notRunning);
    expect(bridge.invoke).toHaveBeenLastCalledWith('session.current', undefined);
  });

  it('rejects with main\'s reason when main refuses', async () => {
    bridge.invoke.mockResolvedValueOnce({ ok: false, error: 'host.setFullScreen: full screen takes true or false' });
    await expect(api.invoke('host.setFullScreen', 'yes')).rejects.toThrow('host.setFullScreen: full screen takes true or false');
    bridge.invoke.mockResolvedValueOnce('something else');
    await expect(api.invoke('host.info', undefined)).rejects.toThrow('malformed reply');
  });

  it('refuses channels outside the invoke list without asking main', async () => {
    bridge.invoke.mockClear();
    for (const channel of ['session.update', 'engine.watch', 'toString', '']) {
      await expect(api.invoke(channel, undefined)).rejects.toThrow('unknown channel');
    }
    await expect(api.invoke(42 as unknown as string, undefined)).rejects.toThrow('unknown channel');
    expect(bridge.invoke).not.toHaveBeenCalled();
  });

  it('subscribes to notify channels only, passing the payload alone, until unsubscribed', () => {
    expect(() => api.on('engine.status', () => {})).toThrow('unknown channel');
    expect(() => api.on('host.info', () => {})).toThrow('unknown channel');
    const listener = vi.fn();
    const unsubscribe = api.on('session.link', listener);
    const [wrapped] = bridge.listeners.get('session.link')!;
    wrapped({ sender: 'secret ipc' }, notRunning);
    expect(listener).toHaveBeenCalledWith(notRunning);
    expect(listener.mock.calls[0]).toHaveLength(1);
    unsubscribe();
    expect(bridge.listeners.get('session.link')!.size).toBe(0);
    for (const channel of uiChannels.notify) expect(() => api.on(channel, () => {})()).not.toThrow();
  });
});

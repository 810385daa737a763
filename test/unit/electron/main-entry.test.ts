// The app's entry (electron/main/index.ts) with electron mocked: it takes the single-instance
// lock, locks down sessions, registers the IPC host, opens the window on the built renderer with
// the CommonJS preload, puts up the tray, and forwards the relay's link to the window and the
// tray. The engine socket is a path where nothing listens, so the link says "not running".

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => {
  const state = {
    appHandlers: new Map<string, (...args: unknown[]) => void>(),
    ipcHandlers: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
    windows: [] as { options: { webPreferences: Record<string, unknown> }; loaded: string | null; sent: [string, unknown][]; webContents: unknown }[],
    trays: [] as { tooltip: string; menu: { template: { label?: string }[] } | null }[],
    permissionRequest: null as ((...args: unknown[]) => void) | null,
    quit: 0,
    dir: '',
  };
  return state;
});

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  class BrowserWindow extends EventEmitter {
    loaded: string | null = null;
    sent: [string, unknown][] = [];
    webContents: InstanceType<typeof EventEmitter> & { mainFrame: { url: string } };
    constructor(public options: { webPreferences: Record<string, unknown> }) {
      super();
      const mainFrame = { url: '' };
      const contents = Object.assign(new EventEmitter(), {
        mainFrame,
        isDestroyed: () => false,
        send: (channel: string, payload: unknown) => this.sent.push([channel, payload]),
        setWindowOpenHandler: () => {},
      });
      this.webContents = contents;
      fake.windows.push(this as never);
    }
    loadFile(path: string) {
      this.loaded = path;
      this.webContents.mainFrame.url = `file://${path}`;
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    show() {}
    focus() {}
    setFullScreen() {}
  }
  class Tray {
    record = { tooltip: '', menu: null as { template: { label?: string }[] } | null };
    constructor() {
      fake.trays.push(this.record);
    }
    setImage() {}
    setToolTip(text: string) {
      this.record.tooltip = text;
    }
    setContextMenu(menu: { template: { label?: string }[] }) {
      this.record.menu = menu;
    }
    destroy() {}
  }
  return {
    app: {
      requestSingleInstanceLock: () => true,
      whenReady: () => Promise.resolve(),
      getAppPath: () => '/opt/clatter',
      getPath: () => fake.dir,
      getVersion: () => '0.1.0',
      on: (event: string, handler: (...args: unknown[]) => void) => fake.appHandlers.set(event, handler),
      quit: () => fake.quit++,
    },
    BrowserWindow,
    Tray,
    Menu: { buildFromTemplate: (template: unknown) => ({ template }) },
    nativeImage: { createFromBitmap: () => ({}) },
    dialog: { showSaveDialog: async () => ({ canceled: true }) },
    ipcMain: {
      handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => Promise<unknown>) => fake.ipcHandlers.set(channel, handler),
      removeHandler: (channel: string) => fake.ipcHandlers.delete(channel),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: (...args: unknown[]) => void) => (fake.permissionRequest = handler),
        setPermissionCheckHandler: () => {},
        setDevicePermissionHandler: () => {},
      },
    },
  };
});

import { uiChannels } from '../../../core/api/ui-schema.js';
import { pollUntil } from '../../../core/lab/poll.js';

fake.dir = mkdtempSync(join(tmpdir(), 'clatter-main-'));
afterAll(() => rmSync(fake.dir, { recursive: true, force: true }));
const socketPath = join(fake.dir, 'engine.sock');
process.env.CLATTER_SOCKET = socketPath;

await import('../../../electron/main/index.js');

const until = <T>(check: () => T | undefined) => pollUntil(async () => check(), { timeoutMs: 5000, what: 'the main process to get there', intervalMs: 10 });

describe('electron/main/index.ts', () => {
  it('opens one window on the built renderer with the CommonJS preload', async () => {
    const window = await until(() => fake.windows[0]);
    expect(fake.windows).toHaveLength(1);
    expect(window.loaded).toBe('/opt/clatter/dist/renderer/index.html');
    expect(window.options.webPreferences).toMatchObject({ preload: '/opt/clatter/dist/app/preload/preload.cjs', sandbox: true, contextIsolation: true, nodeIntegration: false });
  });

  it('registers every invoke channel and denies permissions', async () => {
    await until(() => (fake.ipcHandlers.size > 0 ? true : undefined));
    expect([...fake.ipcHandlers.keys()].sort()).toEqual([...uiChannels.invoke].sort());
    const callback = vi.fn();
    fake.permissionRequest!({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    for (const event of ['second-instance', 'web-contents-created', 'window-all-closed', 'will-quit']) expect(fake.appHandlers.has(event), event).toBe(true);
  });

  it('sends the engine link to the window and shows it in the tray', async () => {
    const window = fake.windows[0];
    const link = await until(() => window.sent.find(([channel, payload]) => channel === 'session.link' && (payload as { state: string }).state === 'unavailable'));
    expect(link[1]).toMatchObject({ state: 'unavailable', problem: 'not-running', socketPath });
    const tray = fake.trays[0];
    await until(() => (tray.tooltip === 'Clatter: Engine not running' ? true : undefined));
    expect(tray.menu!.template[0].label).toBe('Engine not running');
  });

  it('answers our window\'s main frame, and no one else', async () => {
    const window = fake.windows[0];
    const contents = window.webContents as { mainFrame: unknown };
    const current = fake.ipcHandlers.get('session.current')!;
    await expect(current({ sender: contents, senderFrame: contents.mainFrame }, undefined)).resolves.toMatchObject({ ok: true, result: { state: 'unavailable' } });
    await expect(current({ sender: contents, senderFrame: { url: 'file:///opt/clatter/dist/renderer/index.html' } }, undefined)).resolves.toMatchObject({ ok: false });
    const info = fake.ipcHandlers.get('host.info')!;
    await expect(info({ sender: contents, senderFrame: contents.mainFrame })).resolves.toMatchObject({ ok: true, result: { kind: 'electron', version: '0.1.0' } });
  });

  it('quits when the window is closed', () => {
    const before = fake.quit;
    fake.appHandlers.get('window-all-closed')!();
    expect(fake.quit).toBe(before + 1);
    fake.appHandlers.get('will-quit')!();
  });
});

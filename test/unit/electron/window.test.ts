// The window's lock-down, with electron mocked: the security flags it is created with, the guards
// on navigation, new windows and webviews, the permission handlers, and who counts as our frame.

import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

const created = vi.hoisted(() => ({ windows: [] as unknown[] }));

vi.mock('electron', async () => {
  // Imported here: the factory runs before the file's own imports.
  const { EventEmitter } = await import('node:events');
  class FakeContents extends EventEmitter {
    openHandler: ((details: unknown) => unknown) | null = null;
    mainFrame = { url: '' };
    setWindowOpenHandler(handler: (details: unknown) => unknown) {
      this.openHandler = handler;
    }
  }
  class BrowserWindow extends EventEmitter {
    webContents = new FakeContents();
    loaded: string | null = null;
    destroyed = false;
    constructor(public options: unknown) {
      super();
      created.windows.push(this);
    }
    loadFile(path: string) {
      this.loaded = path;
      return Promise.resolve();
    }
    isDestroyed() {
      return this.destroyed;
    }
    show() {}
  }
  return { BrowserWindow };
});

import type { BrowserWindow, IpcMainInvokeEvent, Session, WebContents } from 'electron';
import { createWindow, denyPermissions, isOwnMainFrame, lockDownContents, windowOptions } from '../../../electron/main/window.js';

type FakeWindow = BrowserWindow & { options: Electron.BrowserWindowConstructorOptions; loaded: string | null; destroyed: boolean };
type FakeContents = WebContents & { openHandler: (details: unknown) => unknown; mainFrame: { url: string } };

describe('windowOptions', () => {
  it('sandboxes the renderer, isolates it and gives it no Node', () => {
    const prefs = windowOptions('/app/dist/app/preload/preload.cjs').webPreferences!;
    expect(prefs).toMatchObject({
      preload: '/app/dist/app/preload/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });
});

describe('lockDownContents', () => {
  it('blocks navigation, redirects, webviews and window.open', () => {
    const window = createWindow({ preloadPath: '/p.cjs', indexHtmlPath: '/app/dist/renderer/index.html' }).window as FakeWindow;
    const contents = window.webContents as FakeContents;
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const preventDefault = vi.fn();
      contents.emit(event, { preventDefault }, 'https://example.com/');
      expect(preventDefault, event).toHaveBeenCalled();
    }
    expect(contents.openHandler({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });

  it('guards any webContents it is given', () => {
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() }) as unknown as WebContents;
    lockDownContents(contents);
    const preventDefault = vi.fn();
    (contents as unknown as EventEmitter).emit('will-navigate', { preventDefault });
    expect(preventDefault).toHaveBeenCalledOnce();
    expect(vi.mocked(contents.setWindowOpenHandler).mock.calls[0][0]({} as never)).toEqual({ action: 'deny' });
  });
});

describe('createWindow', () => {
  it('creates the locked-down window and loads the renderer as a file', () => {
    const { window, pageUrl } = createWindow({ preloadPath: '/app/dist/app/preload/preload.cjs', indexHtmlPath: '/app/dist/renderer/index.html' });
    const fake = window as FakeWindow;
    expect(created.windows.at(-1)).toBe(window);
    expect(fake.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true });
    expect(fake.options.show).toBe(false);
    expect(fake.loaded).toBe('/app/dist/renderer/index.html');
    expect(pageUrl).toBe('file:///app/dist/renderer/index.html');
  });
});

describe('denyPermissions', () => {
  it('answers every request and check with no', () => {
    const handlers: Record<string, (...args: never[]) => unknown> = {};
    const session = {
      setPermissionRequestHandler: (h: never) => (handlers.request = h),
      setPermissionCheckHandler: (h: never) => (handlers.check = h),
      setDevicePermissionHandler: (h: never) => (handlers.device = h),
    } as unknown as Session;
    denyPermissions(session);
    for (const permission of ['media', 'notifications', 'fullscreen', 'clipboard-read', 'geolocation']) {
      const callback = vi.fn();
      (handlers.request as (...args: unknown[]) => void)({}, permission, callback, {});
      expect(callback, permission).toHaveBeenCalledWith(false);
      expect((handlers.check as (...args: unknown[]) => unknown)({}, permission, 'file://', {})).toBe(false);
    }
    expect((handlers.device as (...args: unknown[]) => unknown)({})).toBe(false);
  });
});

describe('isOwnMainFrame', () => {
  const pageUrl = 'file:///app/dist/renderer/index.html';
  const setup = () => {
    const window = createWindow({ preloadPath: '/p.cjs', indexHtmlPath: '/app/dist/renderer/index.html' }).window as FakeWindow;
    const contents = window.webContents as FakeContents;
    contents.mainFrame.url = `${pageUrl}#/traces`;
    return { window, contents };
  };
  const event = (sender: unknown, senderFrame: unknown) => ({ sender, senderFrame }) as unknown as IpcMainInvokeEvent;

  it('accepts our window\'s main frame on our page', () => {
    const { window, contents } = setup();
    expect(isOwnMainFrame(window, event(contents, contents.mainFrame), pageUrl)).toBe(true);
  });

  it('refuses subframes, other webContents, other pages, a gone frame or window', () => {
    const { window, contents } = setup();
    expect(isOwnMainFrame(window, event(contents, { url: pageUrl }), pageUrl)).toBe(false);
    expect(isOwnMainFrame(window, event({}, contents.mainFrame), pageUrl)).toBe(false);
    expect(isOwnMainFrame(window, event(contents, null), pageUrl)).toBe(false);
    expect(isOwnMainFrame(null, event(contents, contents.mainFrame), pageUrl)).toBe(false);
    contents.mainFrame.url = 'https://evil.example/';
    expect(isOwnMainFrame(window, event(contents, contents.mainFrame), pageUrl)).toBe(false);
    contents.mainFrame.url = pageUrl;
    window.destroyed = true;
    expect(isOwnMainFrame(window, event(contents, contents.mainFrame), pageUrl)).toBe(false);
  });
});

// The desktop app as the demo's screen: only a loopback http URL with a port is shown, in a
// locked-down window without a preload.

import { describe, expect, it, vi } from 'vitest';

const created = vi.hoisted(() => ({ windows: [] as { options: Record<string, unknown>; url: string | null }[] }));

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  class FakeContents extends EventEmitter {
    setWindowOpenHandler() {}
  }
  class BrowserWindow extends EventEmitter {
    webContents = new FakeContents();
    url: string | null = null;
    constructor(public options: Record<string, unknown>) {
      super();
      created.windows.push(this);
    }
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
    show() {}
  }
  return { BrowserWindow };
});

import { openDemoWindow, parseDemoUrl } from '../../../electron/main/demo-window.js';

describe('demo window', () => {
  it('takes only http on 127.0.0.1 with a port', () => {
    expect(parseDemoUrl('http://127.0.0.1:4321/tok/?present')?.href).toBe('http://127.0.0.1:4321/tok/?present');
    for (const bad of [undefined, '', 'not a url', 'https://127.0.0.1:4321/', 'http://localhost:4321/', 'http://127.0.0.1/', 'http://evil.example:80/', 'file:///etc/passwd', 'http://u:p@127.0.0.1:1/']) {
      expect(parseDemoUrl(bad)).toBeNull();
    }
  });

  it('opens full screen, sandboxed, without a preload', () => {
    openDemoWindow(new URL('http://127.0.0.1:4321/tok/?present'));
    const window = created.windows[0];
    expect(window.url).toBe('http://127.0.0.1:4321/tok/?present');
    expect(window.options.fullscreen).toBe(true);
    const prefs = window.options.webPreferences as Record<string, unknown>;
    expect(prefs.preload).toBeUndefined();
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true });
  });
});

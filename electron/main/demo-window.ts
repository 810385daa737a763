// The desktop app as `clatter demo`'s screen (core/demo/node/demo-window.ts starts it with
// CLATTER_DEMO_URL): one full-screen window showing the demo's own screen server on loopback, and
// nothing else — no preload (the page talks to its server over HTTP, as in a browser), no tray, no
// engine link of its own. Locked down like the main window; closing it quits, which ends the demo.

import { BrowserWindow } from 'electron';
import { lockDownContents, windowOptions } from './window.js';

/** The demo's URL when it is one `clatter demo` would give: http on 127.0.0.1 with a port; else null. */
export function parseDemoUrl(text: string | undefined): URL | null {
  if (text === undefined) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1' || url.port === '' || url.username !== '' || url.password !== '') return null;
  return url;
}

export function openDemoWindow(url: URL): BrowserWindow {
  const options = windowOptions('');
  const { preload: _none, ...webPreferences } = options.webPreferences ?? {};
  const window = new BrowserWindow({ ...options, title: 'Clatter demo', fullscreen: true, webPreferences });
  lockDownContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(url.href);
  return window;
}

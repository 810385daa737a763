// The desktop shell's entry: one instance per user, one window, one tray, one link to the engine.
//
// Lifecycle: on `ready` it locks down sessions and webContents (window.ts), registers the IPC host
// (ipc-host.ts), starts the relay to the engine's socket (core/client/ui-relay.ts: ownership check,
// backoff, batched updates) and opens the window and the tray. The relay's link changes and update
// batches go to the window on the notify channels and to the toggle controller, which drives the
// tray. Closing the window quits (some desktops show no tray to come back from); the engine is a
// separate privileged process and keeps running.
//
// STYLE.md says electron/ imports only core/api; core/client is the socket client of that same
// API, shared on purpose with `clatter ui` so the two hosts connect, retry and throttle alike.

import { app, BrowserWindow, dialog, ipcMain, session, type WebContents } from 'electron';
import { join } from 'node:path';
import { defaultSocketPath } from '../../core/client/engine-client.js';
import { UiRelay } from '../../core/client/ui-relay.js';
import { EngineStarter, findOnPath } from './engine-starter.js';
import { hostHandlers } from './host-handlers.js';
import { registerIpcHost, sendNotify } from './ipc-host.js';
import { saveFile } from './save-file.js';
import { ToggleController } from './toggle-controller.js';
import { ClatterTray } from './tray.js';
import type { TrayAction, TrayView } from './tray-menu.js';
import { openDemoWindow, parseDemoUrl } from './demo-window.js';
import { createWindow, denyPermissions, isOwnMainFrame, lockDownContents } from './window.js';

const log = (line: string) => process.stderr.write(`clatter: ${line}\n`);

const demoUrl = parseDemoUrl(process.env.CLATTER_DEMO_URL);
if (demoUrl !== null) {
  // `clatter demo`'s screen: a window of its own, beside a desktop app that may already run (so
  // no single-instance lock, and a profile of its own); closing it quits, which ends the demo.
  app.setPath('userData', join(app.getPath('userData'), 'demo'));
  void showDemo(demoUrl);
} else if (!app.requestSingleInstanceLock()) {
  // Another Clatter has the lock and shows its window (`second-instance` below).
  app.quit();
} else {
  void main();
}

async function showDemo(url: URL): Promise<void> {
  await app.whenReady();
  denyPermissions(session.defaultSession);
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));
  app.on('window-all-closed', () => app.quit());
  openDemoWindow(url);
}

async function main(): Promise<void> {
  await app.whenReady();
  const appRoot = app.getAppPath();
  const socketPath = process.env.CLATTER_SOCKET ?? defaultSocketPath;
  const paths = {
    preloadPath: join(appRoot, 'dist', 'app', 'preload', 'preload.cjs'),
    indexHtmlPath: join(appRoot, 'dist', 'renderer', 'index.html'),
  };

  let window: BrowserWindow | null = null;
  let pageUrl = '';
  let tray: ClatterTray | null = null;
  const target = (): WebContents | null => (window === null || window.isDestroyed() ? null : window.webContents);

  const starter = new EngineStarter({
    pkexecPath: findOnPath('pkexec'),
    // An installed `clatter` (what the polkit policy names), else this checkout's.
    clatterPath: process.env.CLATTER_BIN ?? findOnPath('clatter') ?? join(appRoot, 'bin', 'clatter.js'),
    socketPath,
    logPath: join(app.getPath('logs'), 'engine.log'),
  });

  const relay: UiRelay = new UiRelay({
    socketPath,
    onLink: (link) => {
      sendNotify(target(), 'session.link', link);
      toggle.setLink(link);
    },
    onUpdate: (update) => {
      sendNotify(target(), 'session.update', update);
      if (update.status !== null) toggle.setStatus(update.status);
    },
  });

  const trayView = (): TrayView => ({ toggle: toggle.state(), canStartEngine: starter.canStart, startingEngine: starter.starting });
  const toggle = new ToggleController(
    (method, params) => relay.call(method, params),
    () => tray?.show(trayView()),
  );

  const showWindow = () => {
    if (window === null || window.isDestroyed()) {
      ({ window, pageUrl } = createWindow(paths));
      window.on('closed', () => {
        window = null;
      });
      return;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  const handlers = hostHandlers({
    version: app.getVersion(),
    relay,
    starter: {
      canStart: starter.canStart,
      // The tray shows "Starting the engine…" while the password dialog is up.
      start: async () => {
        const started = starter.start();
        tray?.show(trayView());
        const result = await started;
        if (!result.ok) log(`starting the engine: ${result.error}`);
        tray?.show(trayView());
        return result;
      },
    },
    setFullScreen: (on) => window?.setFullScreen(on),
    saveFile: (request) =>
      saveFile(request, {
        defaultDir: app.getPath('downloads'),
        choosePath: async (suggestedPath) => {
          const options = { title: 'Save the capture', defaultPath: suggestedPath };
          const chosen = window === null ? await dialog.showSaveDialog(options) : await dialog.showSaveDialog(window, options);
          return chosen.canceled || chosen.filePath === undefined || chosen.filePath === '' ? null : chosen.filePath;
        },
      }),
  });

  const onTrayAction = (action: TrayAction) => {
    switch (action) {
      case 'toggle':
        void toggle.toggle();
        return;
      case 'show':
        showWindow();
        return;
      case 'start-engine':
        void handlers['engine.start'](undefined);
        return;
      case 'quit':
        app.quit();
        return;
    }
  };

  app.on('second-instance', showWindow);
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    relay.stop();
    tray?.destroy();
  });

  denyPermissions(session.defaultSession);

  registerIpcHost(ipcMain, handlers, (event) => isOwnMainFrame(window, event, pageUrl), log);

  try {
    tray = new ClatterTray(trayView(), onTrayAction);
  } catch (error) {
    // No tray on this desktop: the window has everything the tray has.
    log(`no tray: ${(error as Error).message}`);
  }
  relay.start();
  showWindow();
}

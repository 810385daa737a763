// The app's one window, locked down (Electron's security checklist): the renderer is sandboxed,
// isolated from the preload's world, without Node, with web security on; it cannot navigate away,
// open windows, attach webviews, or get any permission (camera, notifications, even the DOM
// Fullscreen API: presentation mode asks main through host.setFullScreen). The page is
// dist/renderer/index.html, loaded as a file; its CSP is the strict meta tag vite emits with it
// (renderer/index.html). IPC is accepted only from this window's main frame (`isOwnMainFrame`).

import { BrowserWindow, type BrowserWindowConstructorOptions, type IpcMainInvokeEvent, type Session, type WebContents } from 'electron';
import { pathToFileURL } from 'node:url';

export interface WindowPaths {
  /** The CommonJS preload (electron-vite's build of electron/preload.ts). */
  readonly preloadPath: string;
  /** dist/renderer/index.html. */
  readonly indexHtmlPath: string;
}

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 860,
    minWidth: 720,
    minHeight: 480,
    title: 'Clatter',
    backgroundColor: '#111418',
    // Shown once the page has painted, not as a white flash.
    show: false,
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: true,
    },
  };
}

/**
 * Applied to every webContents the app creates (app's 'web-contents-created'), so a page that
 * slipped past one guard meets the others: no navigation, no new windows, no webviews.
 */
export function lockDownContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** No permission is ever granted: the UI needs none. */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** True only for the main frame of `window`, showing our own page. */
export function isOwnMainFrame(window: BrowserWindow | null, event: IpcMainInvokeEvent, pageUrl: string): boolean {
  if (window === null || window.isDestroyed()) return false;
  const frame = event.senderFrame;
  if (frame === null || event.sender !== window.webContents || frame !== window.webContents.mainFrame) return false;
  // Navigation is blocked, but check the page too: the frame must still show the file we loaded.
  return frame.url.split('#')[0] === pageUrl;
}

export function createWindow(paths: WindowPaths): { window: BrowserWindow; pageUrl: string } {
  const window = new BrowserWindow(windowOptions(paths.preloadPath));
  lockDownContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  const pageUrl = pathToFileURL(paths.indexHtmlPath).href;
  void window.loadFile(paths.indexHtmlPath);
  return { window, pageUrl };
}

// Starts the renderer: picks its host (Electron's preload, or `clatter ui` over HTTP), connects
// the bridge, and renders.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { UiApi } from '../core/api/ui-schema.js';
import { App } from './App.js';
import { createBridge, type BridgeEnvironment } from './bridge.js';
import { BridgeContext } from './bridge-context.js';
import { useView } from './stores/view-store.js';
import { httpTransport } from './transport/http-transport.js';
import { ipcTransport } from './transport/ipc-transport.js';
import './styles.css';

/**
 * Runs `work` at the next frame, or after 250 ms if no frame comes first: a page hidden after the
 * frame was asked for (a minimised window, another tab) gets none until it is shown again.
 */
function schedule(work: () => void): void {
  let frame = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const once = () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    work();
  };
  frame = requestAnimationFrame(once);
  timer = setTimeout(once, 250);
}

function download(name: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function fullScreen(on: boolean): void {
  // A browser may refuse (no user gesture, or not allowed): presentation mode works without it.
  if (on && document.fullscreenElement === null) void document.documentElement.requestFullscreen().catch(() => {});
  if (!on && document.fullscreenElement !== null) void document.exitFullscreen().catch(() => {});
}

function connect(): { api: UiApi; environment: BridgeEnvironment } {
  const environment = { schedule, download, fullScreen, now: () => Date.now() };
  if (window.clatterIpc !== undefined) return { api: ipcTransport(window.clatterIpc), environment };
  const transport = httpTransport({
    base: window.location.href,
    fetch: (url, init) => window.fetch(url, init),
    openEvents: (url) => new EventSource(url) as unknown as ReturnType<Parameters<typeof httpTransport>[0]['openEvents']>,
  });
  return { api: transport, environment: { ...environment, onStreamOpen: (listener) => void transport.onOpen(listener) } };
}

// `?present` opens in presentation mode (what `clatter demo` asks for).
if (new URLSearchParams(window.location.search).has('present')) useView.getState().setPresentation(true);

const { api, environment } = connect();
const bridge = createBridge(api, environment);
void bridge.start().catch((error: unknown) => console.error('clatter: cannot reach the host:', error));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BridgeContext.Provider value={bridge}>
      <App />
    </BridgeContext.Provider>
  </StrictMode>,
);

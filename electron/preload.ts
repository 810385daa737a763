// The preload: the only bridge between the sandboxed renderer and main. It exposes one object,
// `window.clatterIpc` (renderer/ reads it), with `invoke` and `on`, and nothing of Electron itself
// (no ipcRenderer, no event objects: an IpcRendererEvent carries `sender`, which would hand the
// page the whole IPC API). Channels outside the schema's lists are refused here already; main
// checks again anyway (main/ipc-host.ts), because a compromised renderer does not go through this.
//
// Bundled by electron-vite into CommonJS (electron.vite.config.ts): a sandboxed preload cannot be
// an ES module, and may require only `electron`, so the schema is bundled in.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { uiChannels, type ClatterIpc } from '../core/api/ui-schema.js';
import { isIpcReply } from './ipc-reply.js';

const invokeChannels: ReadonlySet<string> = new Set(uiChannels.invoke);
const notifyChannels: ReadonlySet<string> = new Set(uiChannels.notify);

export const clatterIpc: ClatterIpc = {
  async invoke(channel, arg) {
    if (typeof channel !== 'string' || !invokeChannels.has(channel)) throw new Error(`unknown channel ${String(channel)}`);
    const reply: unknown = await ipcRenderer.invoke(channel, arg);
    if (!isIpcReply(reply)) throw new Error(`${channel}: malformed reply from the main process`);
    if (!reply.ok) throw new Error(reply.error);
    return reply.result;
  },
  on(channel, listener) {
    if (typeof channel !== 'string' || !notifyChannels.has(channel)) throw new Error(`unknown channel ${String(channel)}`);
    if (typeof listener !== 'function') throw new Error('the listener must be a function');
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('clatterIpc', clatterIpc);

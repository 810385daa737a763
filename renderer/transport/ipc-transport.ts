// The renderer's host API inside Electron: the preload (electron/preload.ts) exposes
// `window.clatterIpc`, which forwards only the schema's channels; main validates every argument.

import type { ClatterIpc, InvokeArg, InvokeChannel, InvokeResult, NotifyChannel, NotifyPayload, UiApi } from '../../core/api/ui-schema.js';

declare global {
  interface Window {
    clatterIpc?: ClatterIpc;
  }
}

export function ipcTransport(ipc: ClatterIpc): UiApi {
  return {
    invoke: <C extends InvokeChannel>(channel: C, arg: InvokeArg<C>) => ipc.invoke(channel, arg) as Promise<InvokeResult<C>>,
    on: <C extends NotifyChannel>(channel: C, listener: (payload: NotifyPayload<C>) => void) =>
      ipc.on(channel, (payload) => listener(payload as NotifyPayload<C>)),
  };
}

// The Electron host's answers to the renderer's invoke channels (the browser mode's are in
// core/ui-server/ui-server.ts): engine calls go through the relay, `engine.start` through pkexec,
// files through a save dialog, full screen to the window. Arguments arrive validated
// (ipc-host.ts); every answer is a value of the schema's result type.

import { engineHandlers, type EngineCaller, type EngineLink, type HostInfo, type InvokeHandlers, type SaveFileRequest, type SaveFileResult, type StartEngineResult } from '../../core/api/ui-schema.js';

export interface HostDeps {
  readonly version: string;
  readonly relay: { readonly call: EngineCaller; current(): EngineLink; retryNow(): void };
  readonly starter: { readonly canStart: boolean; start(): Promise<StartEngineResult> };
  readonly setFullScreen: (on: boolean) => void;
  readonly saveFile: (request: SaveFileRequest) => Promise<SaveFileResult>;
}

export function hostHandlers(deps: HostDeps): InvokeHandlers {
  const info: HostInfo = { kind: 'electron', canStartEngine: deps.starter.canStart, version: deps.version };
  return {
    'host.info': async () => info,
    'host.setFullScreen': async (on) => deps.setFullScreen(on),
    'host.saveFile': (request) => deps.saveFile(request),
    ...engineHandlers((method, params) => deps.relay.call(method, params)),
    'engine.start': async () => {
      const started = await deps.starter.start();
      // Connect now rather than at the end of the current backoff.
      if (started.ok) deps.relay.retryNow();
      return started;
    },
    'session.current': async () => deps.relay.current(),
    // The desktop app runs no demo (`clatter demo` serves its own screen, which the app may show).
    'demo.state': async () => null,
    'demo.setApp': async () => ({ ok: false, error: 'no demo runs here: start one with sudo clatter demo' }),
  };
}

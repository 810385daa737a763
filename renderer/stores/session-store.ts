// The engine link and the CLAT's state, as the screen shows them. The toggle is optimistic: a
// click shows the wanted state at once (`pending`), and the engine's answer — or its status
// event — confirms it or puts it back, with the reason kept in `lastError`.

import { create } from 'zustand';
import type { ApiError } from '../../core/api/messages.js';
import { switchShowsOn, type ClatStatus } from '../../core/api/status.js';
import type { EngineLink, HostInfo } from '../../core/api/ui-schema.js';

/** The link without its (large, soon stale) snapshot: the other stores take that. */
export type LinkState =
  | { readonly state: 'connecting' }
  | { readonly state: 'connected' }
  | Omit<Extract<EngineLink, { state: 'unavailable' }>, 'socketPath'>;

export interface ToggleError {
  readonly code: ApiError['code'] | 'host';
  readonly message: string;
  /** Whether trying again with force would help (native IPv4 present). */
  readonly forceHelps: boolean;
}

export interface SessionState {
  readonly host: HostInfo | null;
  readonly link: LinkState;
  readonly socketPath: string | null;
  readonly status: ClatStatus | null;
  /** What the user asked for and the engine has not confirmed yet. */
  readonly pending: 'on' | 'off' | null;
  readonly lastError: ToggleError | null;
  setHost(host: HostInfo): void;
  setLink(link: EngineLink): void;
  setStatus(status: ClatStatus): void;
  beginToggle(wanted: 'on' | 'off'): void;
  endToggle(result: { ok: true; status: ClatStatus } | { ok: false; error: ToggleError }): void;
}

export const initialSession = {
  host: null,
  link: { state: 'connecting' } as LinkState,
  socketPath: null,
  status: null,
  pending: null,
  lastError: null,
};

export const useSession = create<SessionState>()((set) => ({
  ...initialSession,
  setHost: (host) => set({ host }),
  setLink: (link) => {
    if (link.state === 'connected') set({ link: { state: 'connected' }, socketPath: link.socketPath, status: link.snapshot.status });
    else if (link.state === 'connecting') set({ link: { state: 'connecting' }, socketPath: link.socketPath });
    else {
      const { socketPath, ...rest } = link;
      set({ link: rest, socketPath, pending: null });
    }
  },
  setStatus: (status) => set({ status }),
  beginToggle: (wanted) => set({ pending: wanted, lastError: null }),
  endToggle: (result) =>
    set(result.ok ? { pending: null, status: result.status, lastError: null } : { pending: null, lastError: result.error }),
}));

/** Whether the CLAT is (or is being turned) on: what the toggle shows. */
export function toggleShowsOn(state: Pick<SessionState, 'status' | 'pending'>): boolean {
  return switchShowsOn(state.pending, state.status);
}

// The engine link and the CLAT's state, as the screen shows them. The toggle is optimistic, by the
// rule the tray follows too (core/api/clat-switch.ts): a click shows the wanted state at once
// (`pending`), and the engine's answer — or its status event — confirms it or puts it back, with
// the reason kept in `lastError`.

import { create } from 'zustand';
import { initialSwitch, reduceSwitch, switchOn, type ClatSwitch, type SwitchEvent, type SwitchFailure } from '../../core/api/clat-switch.js';
import type { ApiError } from '../../core/api/messages.js';
import type { ClatStatus } from '../../core/api/status.js';
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
  /** The switch as the shared reducer keeps it; `status`, `pending` and `lastError` are read from it. */
  readonly switch: ClatSwitch;
  setHost(host: HostInfo): void;
  setLink(link: EngineLink): void;
  setStatus(status: ClatStatus): void;
  /** Returns the request's number, for `endToggle`. */
  beginToggle(wanted: 'on' | 'off'): number;
  /** The engine's answer to request `request`: ignored when a newer one was made since. */
  endToggle(request: number, result: { ok: true; status: ClatStatus } | { ok: false; error: Pick<ToggleError, 'code' | 'message'> }): void;
}

export const initialSession = {
  host: null,
  link: { state: 'connecting' } as LinkState,
  socketPath: null,
  status: null,
  pending: null,
  lastError: null,
  switch: initialSwitch,
};

/**
 * What the screen reads of a switch. An error status that answered a request is not a
 * `lastError`: the status line already says it (features/toggle/status-text.ts).
 */
function switchFields(clat: ClatSwitch): Pick<SessionState, 'switch' | 'status' | 'pending' | 'lastError'> {
  return { switch: clat, status: clat.status, pending: clat.pending, lastError: clat.failure === null || clat.failure.code === 'status' ? null : toggleError(clat.failure) };
}

const toggleError = (failure: SwitchFailure): ToggleError => ({ code: failure.code === 'status' ? 'internal' : failure.code, message: failure.message, forceHelps: failure.code === 'native-ipv4' });

export const useSession = create<SessionState>()((set, get) => {
  const apply = (event: SwitchEvent) => set(switchFields(reduceSwitch(get().switch, event)));
  return {
    ...initialSession,
    setHost: (host) => set({ host }),
    setLink: (link) => {
      if (link.state === 'connected') {
        set({ link: { state: 'connected' }, socketPath: link.socketPath });
        return apply({ kind: 'status', status: link.snapshot.status });
      }
      if (link.state === 'connecting') set({ link: { state: 'connecting' }, socketPath: link.socketPath });
      else {
        const { socketPath, ...rest } = link;
        set({ link: rest, socketPath });
      }
      apply({ kind: 'lost' });
    },
    setStatus: (status) => apply({ kind: 'status', status }),
    beginToggle: (wanted) => {
      apply({ kind: 'requested', wanted });
      return get().switch.request;
    },
    endToggle: (request, result) => apply({ kind: 'answered', request, answer: result.ok ? result : { ok: false, failure: result.error } }),
  };
});

/** Whether the CLAT is (or is being turned) on: what the toggle shows. */
export function toggleShowsOn(state: Pick<SessionState, 'status' | 'pending'>): boolean {
  return switchOn(state);
}

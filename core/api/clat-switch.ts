// The CLAT on/off switch as a UI shows it, one reducer for both of them (the tray's,
// electron/main/toggle-controller.ts, and the window's, renderer/stores/session-store.ts).
// Optimistic: a click shows the wanted position at once (`pending`); then the engine decides.
//
// The confirmation rule, the one place it is written:
//   - the answer to the latest `up`/`down` settles the request: its status becomes the switch's
//     (an error status is also why the request failed), a refusal puts the switch back where
//     the engine last said it was and keeps the reason;
//   - a status from the engine (a status event, a snapshot) settles it too, once it says the CLAT
//     is where it was asked to be, or in error;
//   - an answer to an older request changes nothing (a newer click has been made since), and
//     neither does one after the engine went away (nobody is left to confirm anything).
// Only the engine's status is ever the truth; `pending` is what the user asked for.
//
// Standard-only and pure: the renderer bundles it, the tests drive it without a host.

import type { ApiError } from './messages.js';
import { statusIsOn, switchShowsOn, type ClatStatus } from './status.js';

/** Why the last request failed: the engine's refusal, the host's, or the error status that answered it. */
export interface SwitchFailure {
  readonly code: ApiError['code'] | 'host' | 'status';
  readonly message: string;
}

export interface ClatSwitch {
  /** The CLAT's status as the engine last reported it; null before it has said anything. */
  readonly status: ClatStatus | null;
  /** What the user asked for and the engine has not confirmed yet. */
  readonly pending: 'on' | 'off' | null;
  /** Why the last request failed; cleared by the next request. */
  readonly failure: SwitchFailure | null;
  /** Bumped per request (and when the engine goes away), so a stale answer is known as one. */
  readonly request: number;
}

export type SwitchAnswer = { readonly ok: true; readonly status: ClatStatus } | { readonly ok: false; readonly failure: SwitchFailure };

export type SwitchEvent =
  /** The user asked for on or off; the request's number is the new state's `request`. */
  | { readonly kind: 'requested'; readonly wanted: 'on' | 'off' }
  /** The engine answered request number `request`. */
  | { readonly kind: 'answered'; readonly request: number; readonly answer: SwitchAnswer }
  /** The engine's word, unasked: a status event or a snapshot's status. */
  | { readonly kind: 'status'; readonly status: ClatStatus }
  /** The engine went away: what was pending is dropped, the last status kept (a host may hide it). */
  | { readonly kind: 'lost' };

export const initialSwitch: ClatSwitch = { status: null, pending: null, failure: null, request: 0 };

const statusFailure = (status: ClatStatus): SwitchFailure | null => (status.state === 'error' ? { code: 'status', message: status.cause } : null);

export function reduceSwitch(state: ClatSwitch, event: SwitchEvent): ClatSwitch {
  switch (event.kind) {
    case 'requested':
      return { ...state, pending: event.wanted, failure: null, request: state.request + 1 };
    case 'answered': {
      if (event.request !== state.request) return state;
      const { answer } = event;
      if (!answer.ok) return { ...state, pending: null, failure: answer.failure };
      return { ...state, status: answer.status, pending: null, failure: statusFailure(answer.status) };
    }
    case 'status': {
      const { pending } = state;
      const confirmed = pending !== null && (event.status.state === 'error' || statusIsOn(event.status) === (pending === 'on'));
      if (!confirmed) return { ...state, status: event.status };
      return { ...state, status: event.status, pending: null, failure: statusFailure(event.status) };
    }
    case 'lost':
      return { ...state, pending: null, request: state.request + 1 };
  }
}

/** Where the switch is drawn: the request in flight, else the engine's word. */
export function switchOn(state: Pick<ClatSwitch, 'pending' | 'status'>): boolean {
  return switchShowsOn(state.pending, state.status);
}

// The CLAT on/off switch as the shell shows it (the tray's "CLAT on" item). Optimistic: a click
// shows the new position at once (`pending`), then the engine decides: its answer to `up`/`down`,
// or a status event saying the CLAT is on or off, confirms it; a refused call puts the switch back
// where the engine last said it was and keeps the reason in `error`. Only the engine's status is
// ever the truth; `pending` is what the user asked for and has not been confirmed yet.
//
// No electron import: it talks to the engine through a `call` function (UiRelay.call) and reports
// through `onChange`, so it is unit tested as it is.

import type { EngineProblem, EngineCall, EngineCallResult, EngineLink } from '../../core/api/ui-schema.js';
import { statusIsOn, switchShowsOn, type ClatStatus } from '../../core/api/status.js';

export type EngineReach =
  | { readonly state: 'connecting' }
  | { readonly state: 'connected' }
  | { readonly state: 'unavailable'; readonly problem: EngineProblem; readonly message: string; readonly fix: string };

export interface ToggleState {
  readonly engine: EngineReach;
  /** The CLAT's status as the engine last reported it; null without an engine. */
  readonly status: ClatStatus | null;
  /** What the user asked for and the engine has not confirmed yet. */
  readonly pending: 'on' | 'off' | null;
  /** Why the last switch failed; cleared by the next attempt. */
  readonly error: string | null;
}

/** Where the switch is drawn: the request in flight, else the engine's word. */
export function shownOn(state: ToggleState): boolean {
  return switchShowsOn(state.pending, state.status);
}

export type EngineCaller = (call: EngineCall) => Promise<EngineCallResult>;

export class ToggleController {
  private current: ToggleState = { engine: { state: 'connecting' }, status: null, pending: null, error: null };
  /** Bumped per request, so an answer to an older click cannot undo a newer one. */
  private request = 0;

  constructor(
    private readonly call: EngineCaller,
    private readonly onChange: (state: ToggleState) => void,
  ) {}

  state(): ToggleState {
    return this.current;
  }

  /** The relay's link changed (UiRelay's onLink). */
  setLink(link: EngineLink): void {
    if (link.state === 'connected') {
      this.update({ engine: { state: 'connected' } });
      this.setStatus(link.snapshot.status);
      return;
    }
    // Without an engine nothing is pending: no one is left to confirm it.
    this.request++;
    const engine: EngineReach = link.state === 'connecting' ? { state: 'connecting' } : { state: 'unavailable', problem: link.problem, message: link.message, fix: link.fix };
    this.update({ engine, status: null, pending: null });
  }

  /** A status from the engine (a `session.update` batch's newest, or the link's snapshot). */
  setStatus(status: ClatStatus): void {
    const confirmed = this.current.pending !== null && (status.state === 'error' || statusIsOn(status) === (this.current.pending === 'on'));
    this.update({
      status,
      ...(confirmed ? { pending: null } : {}),
      ...(confirmed && status.state === 'error' ? { error: status.cause } : {}),
    });
  }

  toggle(): Promise<void> {
    return this.set(!shownOn(this.current));
  }

  /** Asks the engine to turn the CLAT on or off; resolves when the engine has answered. */
  async set(on: boolean): Promise<void> {
    if (this.current.engine.state !== 'connected') {
      this.update({ error: this.current.engine.state === 'unavailable' ? this.current.engine.message : 'still connecting to the engine' });
      return;
    }
    const request = ++this.request;
    this.update({ pending: on ? 'on' : 'off', error: null });
    let answer: EngineCallResult;
    try {
      answer = await this.call({ method: on ? 'up' : 'down', params: {} });
    } catch (error) {
      answer = { ok: false, error: { code: 'internal', message: (error as Error).message } };
    }
    if (request !== this.request) return;
    if (!answer.ok) {
      // Reverted: `status` still holds the engine's last word.
      this.update({ pending: null, error: answer.error.message });
      return;
    }
    const status = answer.result as ClatStatus;
    this.update({ status, pending: null, error: status.state === 'error' ? status.cause : null });
  }

  private update(change: Partial<ToggleState>): void {
    this.current = { ...this.current, ...change };
    this.onChange(this.current);
  }
}

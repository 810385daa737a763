// The CLAT on/off switch as the shell shows it (the tray's "CLAT on" item): the engine's reach,
// and the switch itself, whose optimistic rule (what confirms a click, what puts it back) is the
// window's too: core/api/clat-switch.ts. This class only asks the engine and feeds the reducer.
//
// No electron import: it talks to the engine through a `call` function (UiRelay.call) and reports
// through `onChange`, so it is unit tested as it is.

import { initialSwitch, reduceSwitch, switchOn, type ClatSwitch, type SwitchAnswer, type SwitchEvent } from '../../core/api/clat-switch.js';
import type { EngineAnswer, EngineCaller, EngineLink, EngineProblem } from '../../core/api/ui-schema.js';
import type { ClatStatus } from '../../core/api/status.js';

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
  return switchOn(state);
}

export class ToggleController {
  private engine: EngineReach = { state: 'connecting' };
  private switch: ClatSwitch = initialSwitch;
  /** A failure that is not the switch's: asked without an engine to ask. */
  private unreachable: string | null = null;

  constructor(
    private readonly call: EngineCaller,
    private readonly onChange: (state: ToggleState) => void,
  ) {}

  state(): ToggleState {
    const { status, pending, failure } = this.switch;
    // The tray shows no status without an engine: it could have changed since.
    return { engine: this.engine, status: this.engine.state === 'connected' ? status : null, pending, error: this.unreachable ?? failure?.message ?? null };
  }

  /** The relay's link changed (UiRelay's onLink). */
  setLink(link: EngineLink): void {
    if (link.state === 'connected') {
      this.engine = { state: 'connected' };
      return this.apply({ kind: 'status', status: link.snapshot.status });
    }
    this.engine = link.state === 'connecting' ? { state: 'connecting' } : { state: 'unavailable', problem: link.problem, message: link.message, fix: link.fix };
    this.apply({ kind: 'lost' });
  }

  /** A status from the engine (a `session.update` batch's newest, or the link's snapshot). */
  setStatus(status: ClatStatus): void {
    this.apply({ kind: 'status', status });
  }

  toggle(): Promise<void> {
    return this.set(!shownOn(this.state()));
  }

  /** Asks the engine to turn the CLAT on or off; resolves when the engine has answered. */
  async set(on: boolean): Promise<void> {
    if (this.engine.state !== 'connected') {
      this.unreachable = this.engine.state === 'unavailable' ? this.engine.message : 'still connecting to the engine';
      return this.onChange(this.state());
    }
    this.apply({ kind: 'requested', wanted: on ? 'on' : 'off' });
    const request = this.switch.request;
    let answer: EngineAnswer<'up' | 'down'>;
    try {
      answer = on ? await this.call('up', {}) : await this.call('down', {});
    } catch (error) {
      answer = { ok: false, error: { code: 'internal', message: (error as Error).message } };
    }
    const settled: SwitchAnswer = answer.ok ? { ok: true, status: answer.result } : { ok: false, failure: answer.error };
    this.apply({ kind: 'answered', request, answer: settled });
  }

  private apply(event: SwitchEvent): void {
    if (event.kind === 'requested') this.unreachable = null;
    this.switch = reduceSwitch(this.switch, event);
    this.onChange(this.state());
  }
}

// What the tray shows, as data: a state line (and, when replies are not arriving through the
// running CLAT, its likely causes), the CLAT switch, and the window and quit actions. tray.ts turns it into an Electron menu; keeping the decisions here (no electron import) lets
// the tests check every state's menu without a tray.

import type { ClatStatus, ReplyHealth } from '../../core/api/status.js';
import { shownOn, type ToggleState } from './toggle-controller.js';

export type TrayAction = 'toggle' | 'show' | 'start-engine' | 'quit';

export type TrayItem =
  | { readonly kind: 'label'; readonly label: string }
  | { readonly kind: 'separator' }
  | { readonly kind: 'checkbox'; readonly action: 'toggle'; readonly label: string; readonly checked: boolean; readonly enabled: boolean }
  | { readonly kind: 'action'; readonly action: Exclude<TrayAction, 'toggle'>; readonly label: string; readonly enabled: boolean };

export interface TrayView {
  readonly toggle: ToggleState;
  /** pkexec is there (engine-starter.ts). */
  readonly canStartEngine: boolean;
  /** An engine start is in progress (waiting for the password, or for its socket). */
  readonly startingEngine: boolean;
}

/** The icon's colour: on, off, or something the user should look at. */
export type TrayTone = 'on' | 'off' | 'attention';

/** One line for the menu's first row and the tooltip. */
export function stateLine(state: ToggleState): string {
  const { engine, status, pending } = state;
  if (engine.state === 'connecting') return 'Connecting to the engine…';
  if (engine.state === 'unavailable') {
    switch (engine.problem) {
      case 'not-running':
        return 'Engine not running';
      case 'no-permission':
        return 'No permission to use the engine';
      case 'untrusted-socket':
        return 'Engine socket not trusted';
      case 'lost':
        return 'Lost the engine; reconnecting';
    }
  }
  if (pending === 'on') return 'Turning the CLAT on…';
  if (pending === 'off') return 'Turning the CLAT off…';
  if (status === null) return 'Connecting to the engine…';
  switch (status.state) {
    case 'running':
      return noReplies(status) === null ? `CLAT on: ${status.prefix.prefix} via ${status.uplink}` : `CLAT on, but replies are not arriving (via ${status.uplink})`;
    case 'discovering':
      return `Looking for a NAT64 prefix on ${status.uplink}…`;
    case 'off':
      return status.reason === undefined ? 'CLAT off' : `CLAT off: ${status.reason}`;
    case 'error':
      return `CLAT error: ${status.cause}`;
  }
}

/** The running CLAT's reply health when replies are not arriving; null otherwise. */
function noReplies(status: ClatStatus | null): Extract<ReplyHealth, { state: 'no-replies' }> | null {
  return status?.state === 'running' && status.health?.state === 'no-replies' ? status.health : null;
}

/** The tooltip: the state line, and when replies are not arriving, the likely causes in order. */
export function trayTooltip(state: ToggleState): string {
  const health = state.pending === null ? noReplies(state.status) : null;
  const causes = health === null ? '' : `\nLikely: ${health.causes.map((cause) => cause.text).join('; or ')}`;
  return `Clatter: ${stateLine(state)}${causes}`;
}

export function trayTone(state: ToggleState): TrayTone {
  const broken = state.pending === null && noReplies(state.status) !== null;
  if (state.engine.state === 'unavailable' || state.status?.state === 'error' || broken || (state.error !== null && state.pending === null)) return 'attention';
  return shownOn(state) ? 'on' : 'off';
}

export function trayMenu(view: TrayView): TrayItem[] {
  const { toggle } = view;
  const items: TrayItem[] = [{ kind: 'label', label: stateLine(toggle) }];
  if (toggle.error !== null) items.push({ kind: 'label', label: `Failed: ${toggle.error}` });
  const health = toggle.pending === null ? noReplies(toggle.status) : null;
  health?.causes.forEach((cause, i) => items.push({ kind: 'label', label: `${i === 0 ? 'Likely' : 'Or'}: ${cause.text}` }));
  items.push({ kind: 'separator' });
  items.push({
    kind: 'checkbox',
    action: 'toggle',
    label: 'CLAT on',
    checked: shownOn(toggle),
    // One request at a time, and only with an engine to ask.
    enabled: toggle.engine.state === 'connected' && toggle.pending === null,
  });
  if (toggle.engine.state === 'unavailable' && toggle.engine.problem === 'not-running' && view.canStartEngine) {
    items.push({ kind: 'action', action: 'start-engine', label: view.startingEngine ? 'Starting the engine…' : 'Start the engine…', enabled: !view.startingEngine });
  }
  items.push({ kind: 'separator' });
  items.push({ kind: 'action', action: 'show', label: 'Show Clatter', enabled: true });
  items.push({ kind: 'action', action: 'quit', label: 'Quit', enabled: true });
  return items;
}

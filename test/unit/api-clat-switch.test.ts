// The switch's one confirmation rule, shared by the tray and the window: a click shows at once, the
// answer to the latest request or a status saying the CLAT got there settles it, and nothing stale
// (an older request's answer, one after the engine went away) undoes a newer state.

import { describe, expect, it } from 'vitest';
import { initialSwitch, reduceSwitch, switchOn, type ClatSwitch, type SwitchEvent } from '../../core/api/clat-switch.js';
import type { ClatStatus } from '../../core/api/status.js';

const off: ClatStatus = { state: 'off', mode: 'manual' };
const discovering: ClatStatus = { state: 'discovering', mode: 'manual', uplink: 'wlan0', sinceMs: 1 };
const failed: ClatStatus = { state: 'error', mode: 'manual', cause: 'no NAT64 prefix found on wlan0' };

const run = (...events: SwitchEvent[]): ClatSwitch => events.reduce(reduceSwitch, initialSwitch);

describe('reduceSwitch', () => {
  it('shows a request at once and numbers it', () => {
    const state = run({ kind: 'status', status: off }, { kind: 'requested', wanted: 'on' });
    expect(state).toMatchObject({ pending: 'on', status: off, failure: null, request: 1 });
    expect(switchOn(state)).toBe(true);
  });

  it('is settled by the answer to the latest request, and not by an older one', () => {
    const first = run({ kind: 'status', status: off }, { kind: 'requested', wanted: 'on' });
    const second = reduceSwitch(first, { kind: 'requested', wanted: 'off' });
    const late = reduceSwitch(second, { kind: 'answered', request: first.request, answer: { ok: true, status: discovering } });
    expect(late).toBe(second);
    const settled = reduceSwitch(second, { kind: 'answered', request: second.request, answer: { ok: true, status: off } });
    expect(settled).toMatchObject({ pending: null, status: off, failure: null });
  });

  it('is settled by a status that says the CLAT got there, or failed', () => {
    const asked = run({ kind: 'status', status: off }, { kind: 'requested', wanted: 'on' });
    expect(reduceSwitch(asked, { kind: 'status', status: off })).toMatchObject({ pending: 'on', status: off });
    expect(reduceSwitch(asked, { kind: 'status', status: discovering })).toMatchObject({ pending: null, status: discovering, failure: null });
    expect(reduceSwitch(asked, { kind: 'status', status: failed })).toMatchObject({ pending: null, failure: { code: 'status', message: 'no NAT64 prefix found on wlan0' } });
  });

  it('a refusal goes back to the engine\'s last word with the reason; the next request clears it', () => {
    const refused = run({ kind: 'status', status: off }, { kind: 'requested', wanted: 'on' }, { kind: 'answered', request: 1, answer: { ok: false, failure: { code: 'native-ipv4', message: 'native IPv4' } } });
    expect(refused).toMatchObject({ pending: null, status: off, failure: { code: 'native-ipv4' } });
    expect(switchOn(refused)).toBe(false);
    expect(reduceSwitch(refused, { kind: 'requested', wanted: 'on' }).failure).toBeNull();
  });

  it('losing the engine drops what was pending, and its answer no longer counts', () => {
    const lost = run({ kind: 'status', status: off }, { kind: 'requested', wanted: 'on' }, { kind: 'lost' });
    expect(lost).toMatchObject({ pending: null, status: off });
    expect(reduceSwitch(lost, { kind: 'answered', request: 1, answer: { ok: true, status: discovering } })).toBe(lost);
  });
});

// The tray's CLAT switch: it moves at once on a click, stays there when the engine agrees, goes
// back when the engine refuses, and never lets an old answer undo a newer click.

import { describe, expect, it, vi } from 'vitest';
import type { EngineAnswer, UiEngineMethod } from '../../../core/api/ui-schema.js';
import { shownOn, ToggleController, type ToggleState } from '../../../electron/main/toggle-controller.js';
import { connected, discovering, failed, notRunning, off, running } from './fixtures.js';

/** A controller whose engine answers each call when the test says so. */
function setup() {
  const calls: { call: { method: UiEngineMethod; params: unknown }; answer: (result: EngineAnswer<'up' | 'down'>) => void }[] = [];
  const states: ToggleState[] = [];
  const controller = new ToggleController(
    (method, params) => new Promise((resolve) => calls.push({ call: { method, params }, answer: resolve as (result: EngineAnswer<'up' | 'down'>) => void })),
    (state) => states.push(state),
  );
  return { controller, calls, states };
}

describe('ToggleController', () => {
  it('starts connecting, off, with nothing pending', () => {
    const { controller } = setup();
    expect(controller.state()).toEqual({ engine: { state: 'connecting' }, status: null, pending: null, error: null });
    expect(shownOn(controller.state())).toBe(false);
  });

  it('takes the engine\'s status from the link', () => {
    const { controller } = setup();
    controller.setLink(connected(running));
    expect(controller.state().engine).toEqual({ state: 'connected' });
    expect(controller.state().status).toBe(running);
    expect(shownOn(controller.state())).toBe(true);
  });

  it('shows on at once, then the engine\'s answer confirms it', async () => {
    const { controller, calls } = setup();
    controller.setLink(connected(off));
    const done = controller.toggle();
    expect(calls.map((c) => c.call)).toEqual([{ method: 'up', params: {} }]);
    // Optimistic: on before the engine has said anything.
    expect(controller.state().pending).toBe('on');
    expect(controller.state().status).toBe(off);
    expect(shownOn(controller.state())).toBe(true);
    calls[0].answer({ ok: true, result: discovering });
    await done;
    expect(controller.state()).toMatchObject({ pending: null, status: discovering, error: null });
    expect(shownOn(controller.state())).toBe(true);
  });

  it('is confirmed by a status event before the answer arrives', () => {
    const { controller } = setup();
    controller.setLink(connected(off));
    void controller.set(true);
    // An event saying the CLAT is still off does not confirm "on".
    controller.setStatus(off);
    expect(controller.state().pending).toBe('on');
    controller.setStatus(running);
    expect(controller.state()).toMatchObject({ pending: null, status: running });
  });

  it('goes back to the engine\'s last word when the call is refused', async () => {
    const { controller, calls, states } = setup();
    controller.setLink(connected(off));
    const done = controller.set(true);
    calls[0].answer({ ok: false, error: { code: 'internal', message: 'no IPv6 uplink' } });
    await done;
    expect(controller.state()).toMatchObject({ pending: null, status: off, error: 'no IPv6 uplink' });
    expect(shownOn(controller.state())).toBe(false);
    // It was shown on in between.
    expect(states.some((state) => state.pending === 'on' && shownOn(state))).toBe(true);
  });

  it('goes back when the call throws', async () => {
    const throwing = new ToggleController(async () => {
      throw new Error('socket closed');
    }, () => {});
    throwing.setLink(connected(running));
    await throwing.set(false);
    expect(throwing.state()).toMatchObject({ pending: null, status: running, error: 'socket closed' });
    expect(shownOn(throwing.state())).toBe(true);
  });

  it('reports the engine\'s error status as the failure', async () => {
    const { controller, calls } = setup();
    controller.setLink(connected(off));
    const done = controller.set(true);
    calls[0].answer({ ok: true, result: failed });
    await done;
    expect(controller.state()).toMatchObject({ pending: null, status: failed, error: 'no NAT64 prefix found on wlan0' });
    expect(shownOn(controller.state())).toBe(false);
  });

  it('turns off with "down"', async () => {
    const { controller, calls } = setup();
    controller.setLink(connected(running));
    const done = controller.toggle();
    expect(calls[0].call).toEqual({ method: 'down', params: {} });
    expect(shownOn(controller.state())).toBe(false);
    calls[0].answer({ ok: true, result: off });
    await done;
    expect(controller.state()).toMatchObject({ pending: null, status: off });
  });

  it('ignores the answer to an older click', async () => {
    const { controller, calls } = setup();
    controller.setLink(connected(off));
    const first = controller.set(true);
    const second = controller.set(false);
    calls[1].answer({ ok: true, result: off });
    await second;
    calls[0].answer({ ok: false, error: { code: 'internal', message: 'late refusal' } });
    await first;
    expect(controller.state()).toMatchObject({ pending: null, status: off, error: null });
  });

  it('asks nothing without an engine, and says why', async () => {
    const { controller, calls } = setup();
    controller.setLink(notRunning);
    await controller.toggle();
    expect(calls).toHaveLength(0);
    expect(controller.state()).toMatchObject({ engine: { state: 'unavailable', problem: 'not-running' }, pending: null, error: notRunning.state === 'unavailable' ? notRunning.message : '' });
  });

  it('drops a pending request and the status when the engine goes away', async () => {
    const { controller, calls } = setup();
    controller.setLink(connected(off));
    const done = controller.set(true);
    controller.setLink(notRunning);
    expect(controller.state()).toMatchObject({ status: null, pending: null });
    // The answer that arrives after the link broke changes nothing.
    calls[0].answer({ ok: true, result: running });
    await done;
    expect(controller.state().status).toBeNull();
    expect(shownOn(controller.state())).toBe(false);
  });

  it('reports every change', () => {
    const onChange = vi.fn();
    const controller = new ToggleController(async () => ({ ok: true, result: off }), onChange);
    controller.setLink(connected(off));
    controller.setStatus(running);
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ status: running }));
  });
});

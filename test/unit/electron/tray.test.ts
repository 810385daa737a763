// The tray: its menu for each state (tray-menu.ts), the Electron template it becomes (tray.ts,
// with electron mocked), and the drawn icon's pixels.

import { describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  trays: [] as { image: unknown; tooltip: string; menu: unknown }[],
}));

vi.mock('electron', () => {
  class Tray {
    record = { image: null as unknown, tooltip: '', menu: null as unknown };
    constructor(image: unknown) {
      this.record.image = image;
      electron.trays.push(this.record);
    }
    setImage(image: unknown) {
      this.record.image = image;
    }
    setToolTip(text: string) {
      this.record.tooltip = text;
    }
    setContextMenu(menu: unknown) {
      this.record.menu = menu;
    }
    destroy() {}
  }
  return {
    Tray,
    Menu: { buildFromTemplate: (template: unknown) => ({ template }) },
    nativeImage: { createFromBitmap: (buffer: Buffer, options: { width: number; height: number }) => ({ buffer, ...options }) },
  };
});

import type { MenuItemConstructorOptions } from 'electron';
import { drawTrayIcon } from '../../../electron/main/tray-icon.js';
import { stateLine, trayMenu, trayTone, trayTooltip, type TrayItem, type TrayView } from '../../../electron/main/tray-menu.js';
import { ClatterTray, menuTemplate } from '../../../electron/main/tray.js';
import type { ToggleState } from '../../../electron/main/toggle-controller.js';
import { discovering, failed, off, running, runningNoReplies } from './fixtures.js';

const connected = { state: 'connected' } as const;
const unavailable = (problem: 'not-running' | 'no-permission' | 'untrusted-socket' | 'lost') =>
  ({ state: 'unavailable', problem, message: 'm', fix: 'f' }) as const;

function view(toggle: Partial<ToggleState>, extra: Partial<TrayView> = {}): TrayView {
  return { toggle: { engine: connected, status: off, pending: null, error: null, ...toggle }, canStartEngine: true, startingEngine: false, ...extra };
}

const toggleItem = (items: TrayItem[]) => items.find((item) => item.kind === 'checkbox');
const actions = (items: TrayItem[]) => items.flatMap((item) => (item.kind === 'action' ? [item.action] : []));

describe('trayMenu', () => {
  it('off: state line, an enabled unchecked switch, show and quit', () => {
    const items = trayMenu(view({ status: off }));
    expect(items[0]).toEqual({ kind: 'label', label: 'CLAT off' });
    expect(toggleItem(items)).toEqual({ kind: 'checkbox', action: 'toggle', label: 'CLAT on', checked: false, enabled: true });
    expect(actions(items)).toEqual(['show', 'quit']);
  });

  it('running: the prefix and uplink, checked', () => {
    const items = trayMenu(view({ status: running }));
    expect(items[0]).toEqual({ kind: 'label', label: 'CLAT on: 64:ff9b::/96 via wlan0' });
    expect(toggleItem(items)).toMatchObject({ checked: true, enabled: true });
  });

  it('discovering counts as on', () => {
    const items = trayMenu(view({ status: discovering }));
    expect(items[0]).toEqual({ kind: 'label', label: 'Looking for a NAT64 prefix on wlan0…' });
    expect(toggleItem(items)).toMatchObject({ checked: true });
  });

  it('pending: shows the requested position, disabled until the engine answers', () => {
    const items = trayMenu(view({ status: off, pending: 'on' }));
    expect(items[0]).toEqual({ kind: 'label', label: 'Turning the CLAT on…' });
    expect(toggleItem(items)).toMatchObject({ checked: true, enabled: false });
    expect(trayMenu(view({ status: running, pending: 'off' }))[0]).toEqual({ kind: 'label', label: 'Turning the CLAT off…' });
  });

  it('a failed switch adds its reason under the state', () => {
    const items = trayMenu(view({ status: off, error: 'no IPv6 uplink' }));
    expect(items[1]).toEqual({ kind: 'label', label: 'Failed: no IPv6 uplink' });
    expect(trayMenu(view({ status: failed }))[0]).toEqual({ kind: 'label', label: 'CLAT error: no NAT64 prefix found on wlan0' });
  });

  it('no engine: switch disabled, "Start the engine…" offered only where pkexec is', () => {
    const engine = unavailable('not-running');
    const items = trayMenu(view({ engine, status: null }));
    expect(items[0]).toEqual({ kind: 'label', label: 'Engine not running' });
    expect(toggleItem(items)).toMatchObject({ checked: false, enabled: false });
    expect(actions(items)).toEqual(['start-engine', 'show', 'quit']);
    expect(actions(trayMenu(view({ engine, status: null }, { canStartEngine: false })))).toEqual(['show', 'quit']);
    const starting = trayMenu(view({ engine, status: null }, { startingEngine: true }));
    expect(starting.find((item) => item.kind === 'action' && item.action === 'start-engine')).toEqual({
      kind: 'action', action: 'start-engine', label: 'Starting the engine…', enabled: false,
    });
  });

  it('other engine problems: a line each, no start offer (an engine is there)', () => {
    for (const [problem, line] of [
      ['no-permission', 'No permission to use the engine'],
      ['untrusted-socket', 'Engine socket not trusted'],
      ['lost', 'Lost the engine; reconnecting'],
    ] as const) {
      const items = trayMenu(view({ engine: unavailable(problem), status: null }));
      expect(items[0]).toEqual({ kind: 'label', label: line });
      expect(actions(items)).toEqual(['show', 'quit']);
    }
    expect(stateLine({ engine: { state: 'connecting' }, status: null, pending: null, error: null })).toBe('Connecting to the engine…');
  });

  it('running without replies: says so, lists the likely causes in order, and asks for attention', () => {
    const items = trayMenu(view({ status: runningNoReplies }));
    expect(items.slice(0, 4)).toEqual([
      { kind: 'label', label: 'CLAT on, but replies are not arriving (via wlan0)' },
      { kind: 'label', label: "Likely: a firewall rule drops the CLAT's new connections forwarded from clat to wlan0: table ip6 filter chain FORWARD policy drop (iptables-nft: Docker)" },
      { kind: 'label', label: 'Or: the NAT64 unreachable (64:ff9b::/96 is routed via fe80::1 on wlan0; what lies beyond cannot be seen from here)' },
      { kind: 'label', label: 'Or: a stale NAT64 prefix (64:ff9b::/96 from Router Advertisement (PREF64, RFC 8781), valid for 29 min more)' },
    ]);
    expect(toggleItem(items)).toMatchObject({ checked: true, enabled: true });
    expect(trayTone(view({ status: runningNoReplies }).toggle)).toBe('attention');
    expect(trayTooltip(view({ status: runningNoReplies }).toggle)).toBe(
      'Clatter: CLAT on, but replies are not arriving (via wlan0)\n' +
        "Likely: a firewall rule drops the CLAT's new connections forwarded from clat to wlan0: table ip6 filter chain FORWARD policy drop (iptables-nft: Docker); " +
        'or the NAT64 unreachable (64:ff9b::/96 is routed via fe80::1 on wlan0; what lies beyond cannot be seen from here); ' +
        'or a stale NAT64 prefix (64:ff9b::/96 from Router Advertisement (PREF64, RFC 8781), valid for 29 min more)',
    );
    // Replies back: the ordinary running line, no causes, the "on" tone.
    const healthy = { ...running, health: { state: 'ok' as const } };
    expect(trayMenu(view({ status: healthy }))[0]).toEqual({ kind: 'label', label: 'CLAT on: 64:ff9b::/96 via wlan0' });
    expect(trayMenu(view({ status: healthy }))[1]).toEqual({ kind: 'separator' });
    expect(trayTone(view({ status: healthy }).toggle)).toBe('on');
    // While the user turns it off, the request is what the tray shows.
    expect(trayMenu(view({ status: runningNoReplies, pending: 'off' })).slice(0, 2)).toEqual([{ kind: 'label', label: 'Turning the CLAT off…' }, { kind: 'separator' }]);
  });

  it('tone: on, off, or attention for problems', () => {
    expect(trayTone(view({ status: running }).toggle)).toBe('on');
    expect(trayTone(view({ status: off }).toggle)).toBe('off');
    expect(trayTone(view({ status: off, pending: 'on' }).toggle)).toBe('on');
    expect(trayTone(view({ status: failed }).toggle)).toBe('attention');
    expect(trayTone(view({ status: off, error: 'refused' }).toggle)).toBe('attention');
    expect(trayTone(view({ engine: unavailable('not-running'), status: null }).toggle)).toBe('attention');
  });
});

describe('menuTemplate', () => {
  it('labels are disabled text, the switch is a checkbox, actions call back', () => {
    const onAction = vi.fn();
    const template = menuTemplate(trayMenu(view({ status: running })), onAction);
    expect(template[0]).toEqual({ label: 'CLAT on: 64:ff9b::/96 via wlan0', enabled: false });
    expect(template[1]).toEqual({ type: 'separator' });
    const toggle = template.find((item) => item.type === 'checkbox') as MenuItemConstructorOptions;
    expect(toggle).toMatchObject({ label: 'CLAT on', checked: true, enabled: true });
    (toggle.click as () => void)();
    const quit = template.find((item) => item.label === 'Quit') as MenuItemConstructorOptions;
    (quit.click as () => void)();
    expect(onAction.mock.calls).toEqual([['toggle'], ['quit']]);
  });
});

describe('ClatterTray', () => {
  it('sets icon, tooltip and menu, and redraws the icon only when the tone changes', () => {
    const tray = new ClatterTray(view({ status: off }), () => {});
    const record = electron.trays.at(-1)!;
    expect(record.tooltip).toBe('Clatter: CLAT off');
    expect(record.image).toMatchObject({ width: 22, height: 22 });
    const offImage = record.image;
    tray.show(view({ status: off, error: null }));
    expect(record.image).toBe(offImage);
    tray.show(view({ status: running }));
    expect(record.image).not.toBe(offImage);
    expect(record.tooltip).toBe('Clatter: CLAT on: 64:ff9b::/96 via wlan0');
    expect((record.menu as { template: MenuItemConstructorOptions[] }).template[0].label).toBe('CLAT on: 64:ff9b::/96 via wlan0');
    const onImage = record.image;
    tray.show(view({ status: runningNoReplies }));
    expect(record.image).not.toBe(onImage);
    expect(record.tooltip).toMatch(/^Clatter: CLAT on, but replies are not arriving \(via wlan0\)\nLikely: a firewall rule drops/);
  });
});

describe('drawTrayIcon', () => {
  const size = 22;
  const pixel = (pixels: Uint8Array, x: number, y: number) => [...pixels.subarray((y * size + x) * 4, (y * size + x) * 4 + 4)];

  it('is a disc in the tone\'s colour (BGRA) with transparent corners', () => {
    const on = drawTrayIcon('on', size);
    expect(on.length).toBe(size * size * 4);
    expect(pixel(on, 11, 11)).toEqual([0x5b, 0x9e, 0x2e, 255]);
    expect(pixel(on, 0, 0)).toEqual([0, 0, 0, 0]);
    expect(pixel(drawTrayIcon('attention', size), 11, 11)).toEqual([0x1e, 0x8a, 0xe0, 255]);
  });

  it('has a soft, premultiplied edge', () => {
    const on = drawTrayIcon('on', size);
    const edge = [...Array(size).keys()].map((x) => pixel(on, x, 11)).filter(([, , , alpha]) => alpha > 0 && alpha < 255);
    expect(edge.length).toBeGreaterThan(0);
    for (const [blue, green, red, alpha] of edge) expect(Math.max(blue, green, red)).toBeLessThanOrEqual(alpha);
  });
});

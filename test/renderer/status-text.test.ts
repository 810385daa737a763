// The CLAT's state in words (renderer/features/toggle/status-text.ts): auto mode says why.

import { describe, expect, it } from 'vitest';
import type { ClatStatus } from '../../core/api/status.js';
import { statusDetail } from '../../renderer/features/toggle/status-text.js';

describe('statusDetail', () => {
  it("shows auto mode's reason under the state", () => {
    const off: ClatStatus = { state: 'off', mode: 'auto', reason: 'native IPv4 appeared (default via 198.51.100.1 dev eth0)', auto: 'off: the host has native IPv4 (default via 198.51.100.1 dev eth0)' };
    expect(statusDetail(off)).toBe('native IPv4 appeared (default via 198.51.100.1 dev eth0)\nAutomatic, off: the host has native IPv4 (default via 198.51.100.1 dev eth0)');
    const discovering: ClatStatus = { state: 'discovering', mode: 'auto', uplink: 'wlan0', sinceMs: 0, auto: 'on: no native IPv4' };
    expect(statusDetail(discovering)).toBe('Automatic, on: no native IPv4');
  });

  it('says nothing of auto mode in manual mode, and keeps the old line before the engine has judged', () => {
    expect(statusDetail({ state: 'off', mode: 'manual' })).toBeNull();
    expect(statusDetail({ state: 'off', mode: 'auto' })).toBe('Automatic: turns on when the network needs it');
  });
});

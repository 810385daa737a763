// Leaving the CLAT's TUN to Clatter where NetworkManager runs (core/host/network-manager.ts): the
// decisions over nmcli's answers, with a scripted nmcli (the real one, against the real
// NetworkManager, runs in test/e2e/network-manager.test.ts), and nmcli's terse format.

import { describe, expect, it } from 'vitest';
import { deviceState, markUnmanaged, networkManagerRunning, type NmcliRunner } from '../../core/host/network-manager.js';
import { parseNmcliTerse } from '../../core/host/nmcli-terse.js';
import type { CommandResult } from '../../core/host/run-command.js';

const ok = (stdout: string): CommandResult => ({ ok: true, stdout });
const failed = (stderr: string): CommandResult => ({ ok: false, error: `nmcli: ${stderr}`, stderr });
const notRunning = failed('Error: NetworkManager is not running.');

/** An nmcli that answers from a script, keyed by its arguments, and records the calls. */
function scriptedNmcli(answers: (args: string) => CommandResult): NmcliRunner & { calls: string[] } {
  const calls: string[] = [];
  const run = async (args: readonly string[]) => {
    calls.push(args.join(' '));
    return answers(args.join(' '));
  };
  return Object.assign(run, { calls });
}

describe('parseNmcliTerse', () => {
  it('splits records at unescaped colons and unescapes', () => {
    expect(parseNmcliTerse('uplink:connected\nlo:connected (externally)\n')).toEqual([
      ['uplink', 'connected'],
      ['lo', 'connected (externally)'],
    ]);
    expect(parseNmcliTerse('My\\: Wi-Fi:ab\\\\cd:wlan0\n')).toEqual([['My: Wi-Fi', 'ab\\cd', 'wlan0']]);
    expect(parseNmcliTerse('')).toEqual([]);
  });
});

describe('deviceState', () => {
  it("is a device's state, null when not listed", () => {
    const terse = 'uplink:connected\nclat:connected (externally)\nlo:unmanaged\n';
    expect(deviceState(terse, 'clat')).toBe('connected (externally)');
    expect(deviceState(terse, 'lo')).toBe('unmanaged');
    expect(deviceState(terse, 'wlan0')).toBeNull();
  });
});

describe('networkManagerRunning', () => {
  it('is true only when nmcli answers "running"', async () => {
    expect(await networkManagerRunning(scriptedNmcli(() => ok('running\n')))).toBe(true);
    expect(await networkManagerRunning(scriptedNmcli(() => notRunning))).toBe(false);
    expect(await networkManagerRunning(scriptedNmcli(() => ({ ok: false, error: 'nmcli: spawn nmcli ENOENT', stderr: '' })))).toBe(false);
  });
});

describe('markUnmanaged', () => {
  it('does nothing without NetworkManager', async () => {
    const nmcli = scriptedNmcli(() => notRunning);
    expect(await markUnmanaged('clat', nmcli)).toEqual({ ok: true, value: 'no-networkmanager' });
    expect(nmcli.calls).toEqual(['-t -f RUNNING general']);
  });

  it('marks a device that shows "unmanaged" too: a TUN that is down and has no address does, drop-in or not', async () => {
    const nmcli = scriptedNmcli((args) => (args.includes('general') ? ok('running\n') : ok('uplink:connected\nclat:unmanaged\n')));
    expect(await markUnmanaged('clat', nmcli)).toEqual({ ok: true, value: 'marked' });
    expect(nmcli.calls.at(-1)).toBe('device set clat managed no');
  });

  it('says so when NetworkManager never lists the device', async () => {
    const nmcli = scriptedNmcli((args) => (args.includes('general') ? ok('running\n') : ok('uplink:connected\n')));
    expect(await markUnmanaged('clat', nmcli)).toEqual({ ok: false, error: 'NetworkManager does not list clat after 3000 ms' });
    expect(nmcli.calls.some((call) => call.startsWith('device set'))).toBe(false);
  }, 10_000);

  it('waits for NetworkManager to list a new device, then marks it', async () => {
    let listings = 0;
    const nmcli = scriptedNmcli((args) => {
      if (args.includes('general')) return ok('running\n');
      if (args.startsWith('-t -f DEVICE,STATE')) return ok(++listings < 3 ? 'uplink:connected\n' : 'uplink:connected\nclat:disconnected\n');
      return ok('');
    });
    expect(await markUnmanaged('clat', nmcli)).toEqual({ ok: true, value: 'marked' });
    expect(listings).toBe(3);
    expect(nmcli.calls.at(-1)).toBe('device set clat managed no');
  });

  it('says why when marking fails, and never throws', async () => {
    const nmcli = scriptedNmcli((args) => {
      if (args.includes('general')) return ok('running\n');
      if (args.startsWith('-t')) return ok('clat:connected (externally)\n');
      return failed('Error: not authorized to control networking.');
    });
    expect(await markUnmanaged('clat', nmcli)).toEqual({ ok: false, error: 'marking clat unmanaged in NetworkManager: nmcli: Error: not authorized to control networking.' });
  });
});

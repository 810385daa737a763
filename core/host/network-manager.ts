// NetworkManager beside the CLAT. On most desktops NetworkManager manages the uplink, and it takes
// any other interface that comes up with an address, the CLAT's TUN included, as "connected
// (externally)": an in-memory profile, a device in its lists and applets, its connectivity check.
// packaging/networkmanager/90-clatter.conf makes it leave the TUN alone; where that drop-in is not
// installed, markUnmanaged() asks NetworkManager at run time.
//
// What `nmcli device set DEV managed no` does in NetworkManager 1.42 (seen in the lab,
// test/e2e/network-manager.test.ts): the device is "unmanaged" from then on, for as long as it
// exists (a new TUN is a new device: mark each one), and its addresses and routes stay as they are.
// Marked right after it is made, still down and without an address, NetworkManager never makes a
// profile for it and writes no file at all (/etc, /var/lib and /run/NetworkManager stay as they
// were). Marked later, once it has taken the TUN as "connected (externally)", it drops that
// in-memory profile, records the choice in /run/NetworkManager/devices/<ifindex> and rewrites
// /var/lib/NetworkManager/timestamps and seen-bssids (same content; seen-bssids made if missing).
// No file under /etc/NetworkManager changes either way.
//
// Whether the drop-in applies cannot be read from the device: a TUN that is down and has no address
// shows "unmanaged" with or without it, and comes under NetworkManager once it is up. So the device
// is marked whenever NetworkManager runs; with the drop-in installed that changes nothing.
//
// Everything goes through nmcli on the system bus, so the engine needs no D-Bus library; where
// nmcli is missing or NetworkManager does not run, there is nothing to do.

import type { Found } from './host-inspect.js';
import { parseNmcliTerse } from './nmcli-terse.js';
import { runCommand, type CommandResult } from './run-command.js';

/** Runs `nmcli args`; a test may pass another runner. */
export type NmcliRunner = (args: readonly string[]) => Promise<CommandResult>;

export type MarkUnmanagedOutcome =
  /** No NetworkManager here: nothing to do. */
  | 'no-networkmanager'
  /** Marked unmanaged, for as long as the device exists. */
  | 'marked';

const nmcliTimeoutMs = 5_000;
/** NetworkManager learns a new link from rtnetlink a moment after it is made. */
const deviceAppearTimeoutMs = 3_000;
const deviceAppearPollMs = 100;

export const runNmcli: NmcliRunner = (args) => runCommand('nmcli', args, nmcliTimeoutMs);

/** True when nmcli is installed and NetworkManager answers it on the system bus. */
export async function networkManagerRunning(nmcli: NmcliRunner = runNmcli): Promise<boolean> {
  const result = await nmcli(['-t', '-f', 'RUNNING', 'general']);
  return result.ok && result.stdout.trim() === 'running';
}

/** The state `nmcli -t -f DEVICE,STATE device` gives `device` ("unmanaged", "connected (externally)", …); null if not listed. */
export function deviceState(terse: string, device: string): string | null {
  const record = parseNmcliTerse(terse).find((fields) => fields[0] === device);
  return record?.[1] ?? null;
}

/**
 * Makes NetworkManager, if it runs, leave `device` alone. Call it right after creating the device,
 * before it is up and has an address, each time it is made. Never throws; an error is a sentence.
 */
export async function markUnmanaged(device: string, nmcli: NmcliRunner = runNmcli): Promise<Found<MarkUnmanagedOutcome>> {
  if (!(await networkManagerRunning(nmcli))) return { ok: true, value: 'no-networkmanager' };
  const deadline = Date.now() + deviceAppearTimeoutMs;
  for (;;) {
    const devices = await nmcli(['-t', '-f', 'DEVICE,STATE', 'device']);
    if (!devices.ok) return { ok: false, error: `asking NetworkManager about ${device}: ${devices.error}` };
    if (deviceState(devices.stdout, device) !== null) break;
    if (Date.now() >= deadline) return { ok: false, error: `NetworkManager does not list ${device} after ${deviceAppearTimeoutMs} ms` };
    await new Promise((resolve) => setTimeout(resolve, deviceAppearPollMs));
  }
  const set = await nmcli(['device', 'set', device, 'managed', 'no']);
  if (!set.ok) return { ok: false, error: `marking ${device} unmanaged in NetworkManager: ${set.error}` };
  return { ok: true, value: 'marked' };
}

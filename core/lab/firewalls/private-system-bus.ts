// A system D-Bus of the lab's own, for daemons that serve on the system bus (firewalld): a
// dbus-daemon listening on a socket in the lab's temp dir, so that the machine's own bus (if it has
// one) never sees them and they never see it. Its config has no <servicedir>: nothing is
// bus-activated (no polkit, no dispatcher scripts), and an allow-all policy stands in for the
// per-service policy files of /usr/share/dbus-1/system.d, which it does not read.
//
// Lifecycle: start() resolves once the daemon prints its address (it is listening then); stop()
// ends it. It runs in the lab's host namespace, so the lab's teardown ends it if no one else does.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabProcess } from '../lab-process.js';
import { systemBusConfig } from '../network-manager-config.js';
import type { FirewallLab } from './firewall.js';

export interface PrivateSystemBus {
  /** For DBUS_SYSTEM_BUS_ADDRESS. */
  readonly address: string;
  readonly process: LabProcess;
  stop(): Promise<void>;
}

const startTimeoutMs = 10_000;


/** Starts a bus whose files live in `<lab temp dir>/<name>/`. */
export async function startPrivateSystemBus(lab: FirewallLab, name: string): Promise<PrivateSystemBus> {
  const dir = join(lab.tempDir, name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const socketPath = join(dir, 'system_bus_socket');
  const configPath = join(dir, 'bus.conf');
  writeFileSync(configPath, systemBusConfig(socketPath), { mode: 0o644 });
  const daemon = lab.spawn('host', ['dbus-daemon', `--config-file=${configPath}`, '--nofork', '--nopidfile', '--nosyslog', '--print-address'], { name: `dbus-daemon (${name})` });
  try {
    await daemon.waitForOutput(/^unix:path=/m, startTimeoutMs);
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  return {
    address: `unix:path=${socketPath}`,
    process: daemon,
    stop: async () => {
      await daemon.stop();
    },
  };
}

// The real firewalld (Debian's package, nftables backend) in the lab's host namespace with its
// default zone (public) and Debian's firewalld.conf: its table `inet firewalld`, whose forward chain
// ends in `reject with icmpx admin-prohibited` for interfaces in no zone or in different ones.
//
// It is a daemon on the system bus, so it gets a bus of its own (private-system-bus.ts) and a
// private mount namespace: tmpfs over /run, and the lab's copy of /etc/firewalld bound over the
// machine's (it writes there when a setting is made permanent), `mount -n` throughout.
// `--nofork --nopid --log-target=console`: it stays a child of the lab, writes no pid file, logs to
// its output. firewall-cmd reaches it on that bus; with no polkit on the bus, it allows every call.
//
// Lifecycle: load() resolves once `firewall-cmd --state` says running (its ruleset is in place);
// reload() is `firewall-cmd --reload` (FlushAllOnReload: its table is made again); remove() stops
// it (SIGTERM: CleanupOnExit deletes its table), then its bus.

import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '../poll.js';
import { describeExit } from '../lab-process.js';
import { deleteTables, once, type FirewallLab, type LabFirewall, type LoadedFirewall } from './firewall.js';
import { startPrivateSystemBus } from './private-system-bus.js';

const confinedFirewalld = String.raw`set -e
mount -n -t tmpfs tmpfs /run
mount -n --bind "$1" /etc/firewalld
export DBUS_SYSTEM_BUS_ADDRESS="$2"
exec firewalld --nofork --nopid --log-target=console`;

const startTimeoutMs = 30_000;

export const firewalld: LabFirewall = {
  name: 'firewalld',
  description: 'the real firewalld, default zone public, on a private system bus',
  drops: 'forward',
  async load(lab: FirewallLab): Promise<LoadedFirewall> {
    const etcCopy = join(lab.tempDir, 'firewalld-etc');
    cpSync('/etc/firewalld', etcCopy, { recursive: true, preserveTimestamps: true });
    const bus = await startPrivateSystemBus(lab, 'firewalld-bus');
    const daemon = lab.spawn('host', ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', confinedFirewalld, 'sh', etcCopy, bus.address], { name: 'firewalld' });
    const firewallCmd = (...args: string[]) => lab.exec('host', ['env', `DBUS_SYSTEM_BUS_ADDRESS=${bus.address}`, 'firewall-cmd', ...args], { check: false });
    const remove = once(async () => {
      await daemon.stop();
      await bus.stop();
      // Left behind only when firewalld was killed before it could clean up.
      await deleteTables(lab, [{ family: 'inet', name: 'firewalld' }]);
    });
    try {
      await pollUntil(async () => ((await firewallCmd('--state')).stdout.trim() === 'running' ? true : null), {
        timeoutMs: startTimeoutMs,
        intervalMs: 200,
        what: 'firewalld to be running',
        abortIf: () => {
          if (daemon.exit) throw new Error(`firewalld exited (${describeExit(daemon.exit)}): ${daemon.tail()}`);
          if (bus.process.exit) throw new Error(`its dbus-daemon exited (${describeExit(bus.process.exit)}): ${bus.process.tail()}`);
        },
      });
    } catch (error) {
      await remove();
      throw error;
    }
    return {
      reload: async () => {
        const result = await firewallCmd('--reload');
        if (result.code !== 0) throw new Error(`firewall-cmd --reload exited ${result.code}: ${result.stderr.trim()} (firewalld: ${daemon.tail()})`);
      },
      remove,
    };
  },
};

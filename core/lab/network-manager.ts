// NetworkManager managing the lab host's uplink, as on a desktop (createLab({ networkManager: true })):
// Debian's NetworkManager and a private system dbus-daemon, confined to the host namespace and to a
// mount namespace of their own (/work/shared/notes/desktop-peers-in-namespaces.md):
//
//   ip netns exec HOST unshare --mount --propagation private sh -c '<mounts>; exec dbus-daemon …'
//   ip netns exec HOST nsenter --target <dbus-daemon> --mount NetworkManager --no-daemon
//
// Inside that mount namespace, every mount made with -n (without it libmount records the mount in
// /run/mount/utab, on this machine's /run, before the tmpfs covers /run):
//   /sys                     remounted read-only: NetworkManager 1.42 then takes its container path
//                            and manages links without waiting for udev, which the lab does not run
//   /run                     a tmpfs
//   /run/dbus                <lab>/dbus: the bus socket, reached from outside at LabContext.env
//   /run/NetworkManager      <lab>/nm-run  ┐ bind-mounted from the lab's temp dir rather than a
//   /etc/NetworkManager      <lab>/nm-etc  │ tmpfs, so that a test can read (and add to) what
//   /var/lib/NetworkManager  <lab>/nm-lib  ┘ NetworkManager reads and writes; it goes with the lab
//
// Lifecycle: startNetworkManager() writes the config, starts the bus and then NetworkManager as lab
// daemons (the lab's teardown kills them with everything else in the namespace) and returns the
// control; the lab then waits for uplinkConnected(). NetworkManager brings the uplink up itself,
// sets accept_ra=0 on it and does SLAAC and the default route from the RAs on its own.

import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNmcliTerse } from '../host/nmcli-terse.js';
import type { LabContext } from './lab-context.js';
import type { ExecOptions, ExecResult } from './netns-command.js';
import { networkManagerConfig, systemBusConfig, uplinkConnection, uplinkKeyfile } from './network-manager-config.js';
import { pollUntil } from './poll.js';
import { topology } from './topology.js';

/** What NetworkManager sees as its directories, in the lab's temp dir. */
export interface NetworkManagerDirs {
  /** /etc/NetworkManager: NetworkManager.conf, conf.d/, system-connections/. */
  readonly etc: string;
  /** /var/lib/NetworkManager: secret_key, timestamps, NetworkManager.state. */
  readonly lib: string;
  /** /run/NetworkManager: in-memory profiles, per-device runtime state (devices/<ifindex>). */
  readonly run: string;
}

const busStartTimeoutMs = 5_000;

// $1 the lab's bus dir, $2 nm-run, $3 nm-etc, $4 nm-lib, $5 the bus config.
const confinementScript = `set -e
mount -n -o remount,bind,ro /sys
mount -n -t tmpfs -o mode=0755 tmpfs /run
mkdir /run/dbus /run/NetworkManager
mount -n --bind "$1" /run/dbus
mount -n --bind "$2" /run/NetworkManager
mount -n --bind "$3" /etc/NetworkManager
mount -n --bind "$4" /var/lib/NetworkManager
exec dbus-daemon --config-file="$5" --nofork --nopidfile --nosyslog`;

/** `dns`: resolvers in the uplink's profile (ipv6.dns), which NetworkManager lists as the link's. */
export async function startNetworkManager(ctx: LabContext, options: { readonly dns?: readonly string[] } = {}): Promise<NetworkManagerControl> {
  const busDir = join(ctx.systemBusSocket, '..');
  const dirs: NetworkManagerDirs = { etc: ctx.path('nm-etc'), lib: ctx.path('nm-lib'), run: ctx.path('nm-run') };
  for (const dir of [busDir, dirs.lib, dirs.run, join(dirs.etc, 'conf.d'), join(dirs.etc, 'system-connections')]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(dirs.etc, 'NetworkManager.conf'), networkManagerConfig(), { mode: 0o644 });
  const keyfile = join(dirs.etc, 'system-connections', `${uplinkConnection}.nmconnection`);
  writeFileSync(keyfile, uplinkKeyfile(topology.host.uplink, options.dns ?? []), { mode: 0o600 });
  chmodSync(keyfile, 0o600);

  const bus = ctx.startDaemon('host', 'dbus-daemon', [
    ...['unshare', '--mount', '--propagation', 'private'],
    ...['sh', '-c', confinementScript, 'sh', busDir, dirs.run, dirs.etc, dirs.lib, ctx.writeFile('system-bus.conf', systemBusConfig())],
  ]);
  await pollUntil(async () => existsSync(ctx.systemBusSocket) || null, {
    timeoutMs: busStartTimeoutMs,
    what: "the lab's system bus",
    abortIf: () => ctx.assertDaemonsRunning(),
  });
  // The shell has exec'd dbus-daemon by the time the socket exists: its pid is the bus's, and its
  // mount namespace the confinement.
  ctx.startDaemon('host', 'NetworkManager', ['nsenter', '--target', String(bus.pid), '--mount', 'NetworkManager', '--no-daemon', '--debug', '--log-level=INFO']);
  return new NetworkManagerControl(ctx, dirs);
}

export class NetworkManagerControl {
  /** The uplink's profile in `nmcli connection`. */
  readonly connection = uplinkConnection;

  constructor(
    private readonly ctx: LabContext,
    readonly dirs: NetworkManagerDirs,
  ) {}

  /** `nmcli args` in the host namespace, on the lab's bus; rejects on a non-zero exit unless `check: false`. */
  nmcli(args: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    return this.ctx.run('host', ['nmcli', ...args], options);
  }

  /** Each device's state as `nmcli device` names it ("connected", "unmanaged", "connected (externally)"). */
  async deviceStates(): Promise<Map<string, string>> {
    const { stdout } = await this.nmcli(['-t', '-f', 'DEVICE,STATE', 'device']);
    return new Map(parseNmcliTerse(stdout).map(([device, state]) => [device, state]));
  }

  /** True once NetworkManager runs and has activated the uplink's profile. */
  async uplinkConnected(): Promise<boolean> {
    try {
      return (await this.deviceStates()).get(topology.host.uplink) === 'connected';
    } catch {
      return false; // not on the bus yet
    }
  }
}

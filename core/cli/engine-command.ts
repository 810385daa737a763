// `clatter engine`: the privileged engine in the foreground, as systemd runs it: logs on stderr,
// a clean stop (CLAT down, host restored) on SIGTERM or SIGINT. It owns the TUN, the translator
// and the host setup, and answers on its control socket (core/engine/control-server.ts).

import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { defaultSocketPath } from '../client/engine-client.js';
import { ClatEngine } from '../engine/clat-engine.js';
import { controlHandler } from '../engine/control-handler.js';
import { ControlServer } from '../engine/control-server.js';
import { nativeAddon, type NativeAddon } from '../tun/native-addon.js';
import { socketPeer } from '../tun/socket-peer.js';
import { defineCommand, ExitCode } from './command.js';

const options = {
  socket: { type: 'string' },
  'state-dir': { type: 'string' },
  tun: { type: 'string' },
  auto: { type: 'boolean' },
  delivery: { type: 'string' },
  offload: { type: 'string' },
  workers: { type: 'string' },
  'allow-private-wkp': { type: 'boolean' },
} as const;

const deliveries = ['auto', 'ingress', 'force-forwarding', 'packet-socket', 'nat66'] as const;

const defaultStateDir = '/var/lib/clatter';
const maxWorkers = 16;

const help = `Usage: clatter engine [--socket PATH] [--state-dir PATH] [--tun NAME] [--auto] [--delivery MODE]
                      [--offload on|off] [--workers N] [--allow-private-wkp]

Runs the Clatter engine in the foreground (as root): the CLAT's TUN device, the translator, the
host network setup and the control socket that \`clatter up/down/status\` and the desktop app use.
Logs go to stderr; SIGTERM or SIGINT turn the CLAT off, restore the host network and exit.
After a crash the next start first undoes what the crashed run had changed.

  --socket PATH     control socket (default: $CLATTER_SOCKET or ${defaultSocketPath});
                    root and members of the "clatter" group may connect
  --state-dir PATH  where the undo journal and the CLAT address secret live (default ${defaultStateDir})
  --tun NAME        name of the CLAT interface (default clat)
  --auto            turn the CLAT on by itself when the host is IPv6-only, off when native IPv4 appears
  --delivery MODE   how the CLAT's IPv6 packets reach the engine: ingress (moved between the
                    uplink and the TUN at their ingress by nftables, past any firewall's forward
                    rules, no forwarding sysctls), force-forwarding (per-interface forwarding,
                    Linux 6.17+), packet-socket (packet socket, raw socket, anycast and an nftables
                    rule), nat66 (a private address behind NAT66 to the host's own address: the
                    fallback for networks without SLAAC, Linux 6.17+), or auto (default: ingress
                    where nft is installed, else force-forwarding or packet-socket, where the
                    uplink has a /64; nat66 otherwise)
  --offload on|off  TUN offloads: the host's TCP and UDP hand over 64 KiB super-packets whose
                    headers are translated once, checksums left to the kernel (default on;
                    not with packet-socket delivery)
  --workers N       translate on N worker threads, one per queue of a multi-queue TUN, leaving
                    the control socket, flows and traces to the main thread; 0 (default): the
                    main thread translates too (not with packet-socket delivery; 0 to ${maxWorkers})
  --allow-private-wkp
                    translate private IPv4 destinations (RFC 1918: 10/8, 172.16/12, 192.168/16)
                    under the well-known prefix 64:ff9b::/96, for networks whose NAT64 reaches
                    private IPv4 services (draft-ietf-v6ops-nat64-wkp-1918); off by default, as
                    RFC 6052 §3.1 says. Network-specific prefixes carry any address either way
  -h, --help        show this help
`;

/** The gid of group `name` from /etc/group, or null. */
function groupId(name: string): number | null {
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const [group, , gid] = line.split(':');
      if (group === name && gid !== undefined) return Number(gid);
    }
  } catch {
    // No /etc/group: no group access.
  }
  return null;
}

/** Members of group `name` (supplementary), by user name. */
function groupMembers(name: string): Set<string> {
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const fields = line.split(':');
      if (fields[0] === name) return new Set((fields[3] ?? '').split(',').filter((m) => m !== ''));
    }
  } catch {
    // As above.
  }
  return new Set();
}

function userName(uid: number): string | null {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const fields = line.split(':');
      if (Number(fields[2]) === uid) return fields[0];
    }
  } catch {
    // As above.
  }
  return null;
}

/**
 * SO_PEERCRED: the socket file's mode already keeps others out; this checks the process at the
 * other end too (root, primary group clatter, or a listed member of it).
 */
function peerChecker(addon: NativeAddon, clatterGid: number | null): (socket: Socket) => string | undefined {
  return (socket) => {
    const peer = socketPeer(socket, addon);
    if (typeof peer === 'string') return peer;
    const { pid, uid, gid } = peer;
    if (uid === 0) return undefined;
    if (clatterGid !== null) {
      if (gid === clatterGid) return undefined;
      const user = userName(uid);
      if (user !== null && groupMembers('clatter').has(user)) return undefined;
    }
    return `process ${pid} (uid ${uid}) is neither root nor in the "clatter" group`;
  };
}

export const engineCommand = defineCommand({
  name: 'engine',
  summary: 'run the privileged CLAT engine in the foreground',
  help,
  options,
  async run({ values, io, fail }) {
    const delivery = values.delivery ?? 'auto';
    if (!(deliveries as readonly string[]).includes(delivery)) return fail(`--delivery must be one of ${deliveries.join(', ')}`, ExitCode.usage);
    const offload = values.offload ?? 'on';
    if (offload !== 'on' && offload !== 'off') {
      io.stderr('clatter engine: --offload must be on or off\n');
      return ExitCode.usage;
    }
    const workers = Number(values.workers ?? '0');
    if (!/^\d+$/.test(values.workers ?? '0') || workers > maxWorkers) return fail(`--workers must be a whole number from 0 to ${maxWorkers}`, ExitCode.usage);
    if (process.getuid?.() !== 0) {
      io.stderr('clatter engine: must run as root (it creates a TUN device and changes routes): sudo clatter engine\n');
      return ExitCode.failure;
    }
    let addon: NativeAddon;
    try {
      addon = nativeAddon();
    } catch (error) {
      return fail(`${(error as Error).message}`, ExitCode.failure);
    }
    const log = (line: string) => io.stderr(`clatter engine: ${line}\n`);
    const stateDir = values['state-dir'] ?? defaultStateDir;
    const socketPath = values.socket ?? process.env.CLATTER_SOCKET ?? defaultSocketPath;
    const engine = new ClatEngine({
      stateDir,
      tunName: values.tun ?? 'clat',
      mode: values.auto ? 'auto' : 'manual',
      addon,
      log,
      delivery: delivery as (typeof deliveries)[number],
      offload: offload === 'on',
      workers,
      allowPrivateWkp: values['allow-private-wkp'] === true,
    });
    const clatterGid = groupId('clatter');
    const handler = controlHandler(engine);
    const server = new ControlServer({ socketPath, groupId: clatterGid, handler, checkPeer: peerChecker(addon, clatterGid), log });
    const listening = await server.listen();
    if (!listening.ok) return fail(`${listening.error}`, ExitCode.failure);
    const started = await engine.start();
    if (!started.ok) {
      await server.close();
      return fail(`${started.error}`, ExitCode.failure);
    }
    log(`listening on ${socketPath} (state in ${join(stateDir)}${clatterGid === null ? '; no "clatter" group: root only' : ''})`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        log(`${signal}: turning the CLAT off and exiting`);
        resolve();
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    await engine.shutdown();
    await server.close();
    return ExitCode.ok;
  },
});

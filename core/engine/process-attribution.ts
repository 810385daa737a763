// Which program a flow belongs to, found the way `ss -p` finds it. The engine is the host's CLAT
// and runs in the host's network namespace, so the programs' sockets are in its view:
//
//   flow's IPv4 5-tuple ──sock_diag (TCP, UDP) or /proc/net/icmp, raw (ICMP)──▶ socket inode, uid
//   inode ──/proc/<pid>/fd/* = socket:[inode]──▶ pid ──/proc/<pid>/exe, cmdline; /etc/passwd──▶ program
//
// It runs beside the packet path, never on it: `attach` lets the flow table announce new flows
// (one wake-up per burst), takes them in batches, and answers each flow by id: its program, or
// null when none was found.
// A batch costs one sock_diag exchange per flow and at most one walk over /proc (socket-owners.ts).
//
// Caches: inode → program, and flow key → program. The first saves the /proc walk for a socket
// seen again; the second remembers a flow's program after the program exited (its socket gone,
// sock_diag finds nothing) so asking again still names it.
//
// ICMP echo: sock_diag has no handler for ICMP sockets. A ping socket (SOCK_DGRAM, IPPROTO_ICMP,
// allowed by net.ipv4.ping_group_range, which systemd opens to all groups) appears in
// /proc/net/icmp with its echo identifier as its port, so it is found exactly. A raw ICMP socket
// (iputils ping with CAP_NET_RAW when ping sockets are not allowed) carries no identifier: when
// there is one raw ICMP socket it is the one; among several, the one whose process id matches the
// identifier (RFC 792 leaves the identifier to the sender; BSD ping and older iputils use the pid,
// current iputils a random number, which matches no one), otherwise none: better unnamed than wrong.

import type { FlowProgram, FlowSocketKey } from '../observe/flow-info.js';
import type { FlowTable } from '../observe/flow-table.js';
import type { NativeAddon } from '../tun/native-addon.js';
import { LruMap } from './lru-map.js';
import { ProcessIdentity } from './process-identity.js';
import { readProcNetSockets, type ProcNetSocket } from './proc-net-sockets.js';
import { SockDiag } from './sock-diag.js';
import { SocketOwners } from './socket-owners.js';
import { protocol } from '../wire/protocol.js';

const batchSize = 64;

export interface ProcessAttributionOptions {
  /** The C addon (default: loaded on first use). */
  readonly addon?: NativeAddon;
  readonly procRoot?: string;
  readonly passwdPath?: string;
  /** Entries of each cache (default 4096). */
  readonly cacheEntries?: number;
}

interface FoundSocket {
  readonly inode: number;
  readonly uid: number;
}

export class ProcessAttribution {
  private readonly diag: SockDiag;
  private readonly owners: SocketOwners;
  private readonly identity: ProcessIdentity;
  private readonly procRoot: string;
  private readonly byInode: LruMap<number, FlowProgram>;
  private readonly byFlowKey: LruMap<string, FlowProgram>;

  constructor(options: ProcessAttributionOptions = {}) {
    this.procRoot = options.procRoot ?? '/proc';
    this.diag = new SockDiag(options.addon);
    this.owners = new SocketOwners(this.procRoot);
    this.identity = new ProcessIdentity(this.procRoot, options.passwdPath);
    const entries = options.cacheEntries ?? 4096;
    this.byInode = new LruMap(entries);
    this.byFlowKey = new LruMap(entries);
  }

  /** The program owning the flow's local socket, or the last one known for this key; null if none. */
  async attribute(key: FlowSocketKey): Promise<FlowProgram | null> {
    return (await this.attributeMany([key]))[0];
  }

  /** Like attribute, for many flows with at most one walk over /proc. Never rejects. */
  async attributeMany(keys: readonly FlowSocketKey[]): Promise<(FlowProgram | null)[]> {
    const candidates: FoundSocket[][] = [];
    for (const key of keys) candidates.push(await this.socketsOf(key).catch(() => []));
    const wanted = new Set<number>();
    for (const list of candidates) for (const socket of list) if (!this.byInode.has(socket.inode)) wanted.add(socket.inode);
    const owners = await this.owners.find(wanted).catch(() => new Map<number, number>());

    return keys.map((key, i) => {
      const programs: FlowProgram[] = [];
      for (const socket of candidates[i]) {
        const program = this.programOf(socket, owners);
        if (program !== null) programs.push(program);
      }
      let program: FlowProgram | null = programs.length === 1 ? programs[0] : null;
      if (programs.length > 1) {
        // Several raw ICMP sockets: the one whose process id is the echo identifier (either byte order).
        program = programs.find((p) => (p.pid & 0xffff) === key.localPort || swap16(p.pid & 0xffff) === key.localPort) ?? null;
      }
      const keyText = flowKeyText(key);
      if (program !== null) this.byFlowKey.set(keyText, program);
      else program = this.byFlowKey.get(keyText) ?? null;
      return program;
    });
  }

  /**
   * Attributes the flows `flows` creates from now on, setting each one's program by id as it is
   * found. Returns the function that stops it.
   */
  attach(flows: FlowTable): () => void {
    let running = false;
    let detached = false;
    const run = async (): Promise<void> => {
      try {
        while (!detached) {
          const batch = flows.takeNewFlows(batchSize);
          if (batch.length === 0) return;
          const programs = await this.attributeMany(batch);
          if (detached) return;
          // Null too: the flow's program is no longer awaited (trace filters stop holding it back).
          batch.forEach((flow, i) => flows.setProgram(flow.id, programs[i]));
        }
      } finally {
        running = false;
      }
    };
    flows.setNewFlowListener(() => {
      if (running || detached) return;
      running = true;
      setImmediate(() => void run());
    });
    return () => {
      detached = true;
      flows.setNewFlowListener(null);
    };
  }

  close(): void {
    this.diag.close();
  }

  private programOf(socket: FoundSocket, owners: ReadonlyMap<number, number>): FlowProgram | null {
    const cached = this.byInode.get(socket.inode);
    if (cached !== undefined) return cached;
    const pid = owners.get(socket.inode);
    if (pid === undefined) return null;
    const program = this.identity.program(pid, socket.uid);
    if (program !== null) this.byInode.set(socket.inode, program);
    return program;
  }

  /** The sockets that may be the flow's local end (several only for raw ICMP). */
  private async socketsOf(key: FlowSocketKey): Promise<FoundSocket[]> {
    if (key.protocol === protocol.tcp || key.protocol === protocol.udp) {
      const found = await this.diag.lookup(key.protocol, key).catch(() => ({ ok: false }) as const);
      if (found.ok) return found.socket !== null && found.socket.inode !== 0 ? [found.socket] : [];
      // sock_diag failed (not built in, or refused): the same question to /proc/net.
      return bestMatch(readProcNetSockets(key.protocol === protocol.tcp ? 'tcp' : 'udp', this.procRoot), key);
    }
    if (key.protocol === protocol.icmp) {
      if (key.outbound === false) return []; // an echo request from outside: the kernel answers
      const ping = bestMatch(readProcNetSockets('icmp', this.procRoot), key);
      if (ping.length > 0) return ping;
      return readProcNetSockets('raw', this.procRoot).filter(
        (s) => s.localPort === protocol.icmp && s.inode !== 0 && (s.localV4 === key.localV4 || s.localV4 === 0),
      );
    }
    return [];
  }
}

/** The socket with these addresses: connected to this remote first, else bound to the local port and no remote. */
function bestMatch(sockets: readonly ProcNetSocket[], key: FlowSocketKey): FoundSocket[] {
  let unconnected: ProcNetSocket | undefined;
  for (const s of sockets) {
    if (s.inode === 0 || s.localPort !== key.localPort || (s.localV4 !== key.localV4 && s.localV4 !== 0)) continue;
    if (s.remoteV4 === key.remoteV4 && s.remotePort === key.remotePort) return [s];
    if (s.remoteV4 === 0 && s.remotePort === 0) unconnected ??= s;
  }
  return unconnected === undefined ? [] : [unconnected];
}

function flowKeyText(key: FlowSocketKey): string {
  return `${key.protocol} ${key.localV4}:${key.localPort} ${key.remoteV4}:${key.remotePort}`;
}

function swap16(value: number): number {
  return ((value & 0xff) << 8) | (value >>> 8);
}

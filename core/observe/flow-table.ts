// The flows through the CLAT: one row per IPv4 5-tuple of the host's side (local 192.0.0.1 and
// port, remote IPv4 and port, protocol), with its IPv6 twin as the uplink sees it, first and last
// seen, packets and bytes each way, a TCP state, the remote's DNS name and the owning program.
//
// The packet loop calls `record` for every packet; it allocates nothing. The parts, each in a file
// of its own: which flow a packet belongs to (flow-key.ts, on the header views of core/wire); the
// rows, their indexes, eviction when full and expiry when idle (flow-store.ts); the change numbers
// and removals clients poll (flow-change-log.ts); the queue of new flows for process attribution
// (new-flow-queue.ts); later fragments' way to their first one's flow (fragment-memo.ts). This
// file puts them together and builds what clients see; everything that builds objects (snapshots,
// change lists, new flows) runs when a client asks, off the packet path.
//
// Times are the packet loop's (performance.now(), monotonic ms); snapshots add `clockOffsetMs`
// (the engine passes performance.timeOrigin, making them epoch ms). Bytes are those of the IPv4
// packet, the one the host's program sent or receives (the IPv6 twin is 20 bytes longer, 28 with a
// Fragment header); one IPv4 packet the translator splits into several IPv6 fragments is one packet.

import { FlowChangeLog } from './flow-change-log.js';
import type { FlowChanges, FlowInfo, FlowProgram, NewFlow } from './flow-info.js';
import { FlowKey, flowKeyKind } from './flow-key.js';
import { defaultFlowTimeouts, FlowStore, type FlowTimeouts } from './flow-store.js';
import { FragmentMemo } from './fragment-memo.js';
import { NewFlowQueue } from './new-flow-queue.js';
import { tcpFlagsSeen, tcpStateName, tcpStateOf } from './tcp-flags-seen.js';
import { formatIpv4, formatIpv6 } from '../wire/address.js';
import * as ipv6Header from '../wire/ipv6-header.js';
import { protocol } from '../wire/protocol.js';
import type { XlatOutput } from '../xlat/output.js';

export { defaultFlowTimeouts, type FlowTimeouts } from './flow-store.js';

/** Where remote names come from (dns-names.ts); asked when a flow is created, not per packet. */
export interface RemoteNames {
  nameOf(ipv4: number, nowMs: number): string | undefined;
}

export interface FlowTableOptions {
  /** Most flows at once (default 8192). */
  readonly capacity?: number;
  readonly timeouts?: Partial<FlowTimeouts>;
  readonly names?: RemoteNames | null;
  /** Added to times in snapshots. */
  readonly clockOffsetMs?: number;
  /** New flows waiting for takeNewFlows; the oldest are dropped beyond this (default 1024). */
  readonly newFlowBacklog?: number;
  /** Removals remembered for changedSince (default 4096). */
  readonly removalLog?: number;
}

export class FlowTable {
  readonly capacity: number;
  readonly timeouts: FlowTimeouts;
  private readonly names: RemoteNames | null;
  private readonly clockOffsetMs: number;
  private readonly changes: FlowChangeLog;
  private readonly store: FlowStore;
  private readonly newFlows: NewFlowQueue;
  private readonly fragments = new FragmentMemo();
  /** The key of the packet `record` is counting, re-read for each. */
  private readonly key = new FlowKey();

  constructor(options: FlowTableOptions = {}) {
    const capacity = options.capacity ?? 8192;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('FlowTable capacity must be a positive integer');
    this.capacity = capacity;
    this.timeouts = { ...defaultFlowTimeouts, ...options.timeouts };
    this.names = options.names ?? null;
    this.clockOffsetMs = options.clockOffsetMs ?? 0;
    this.changes = new FlowChangeLog(options.removalLog ?? 4096);
    this.store = new FlowStore(capacity, this.timeouts, this.changes);
    this.newFlows = new NewFlowQueue(this.store, options.newFlowBacklog ?? 1024);
  }

  /** Flows in the table. */
  get size(): number {
    return this.store.size;
  }

  /** Flows removed to make room for new ones since the table was made. */
  get evictions(): number {
    return this.store.evictions;
  }

  /** Flows removed by `sweep` for being idle. */
  get expirations(): number {
    return this.store.expirations;
  }

  /** New flows never handed to takeNewFlows because the backlog was full. */
  get newFlowsDropped(): number {
    return this.newFlows.dropped;
  }

  /** The change counter: every update and removal increments it (see changedSince). */
  get seq(): number {
    return this.changes.seq;
  }

  /** The id of the flow in `slot` (what `record` returned), or -1. */
  flowIdAt(slot: number): number {
    return slot >= 0 && slot < this.capacity && this.store.inUse[slot] === 1 ? this.store.ids[slot] : -1;
  }

  /**
   * Counts one packet the packet loop handled (PacketObserver's arguments); only translations
   * count (flow-key.ts says which flow a packet is on). Returns the flow's slot (flowIdAt gives its
   * id), or -1 when the packet belongs to no flow.
   */
  record(input: Uint8Array, start: number, length: number, verdict: number, out: XlatOutput, nowMs: number): number {
    const key = this.key;
    const kind = key.read(input, start, length, verdict, out);
    if (kind === flowKeyKind.none) return -1;
    const store = this.store;
    const outbound = key.outbound;
    if (kind === flowKeyKind.icmpError) {
      // Counted on the quoted packet's flow if there is one; an error never opens a flow.
      const slot = store.find(key.protocol, key.local, key.localPort, key.remote, key.remotePort, key.hash);
      if (slot >= 0) store.count(slot, outbound, key.packetBytes, nowMs);
      return slot;
    }
    let slot = -1;
    if (kind === flowKeyKind.laterFragment) slot = this.fragments.recall(key.source, key.destination, key.protocol, key.identification, nowMs, store.ids);
    if (slot < 0) slot = store.find(key.protocol, key.local, key.localPort, key.remote, key.remotePort, key.hash);
    // A new flow: out of the common path (a call the optimizer need not inline there).
    if (slot < 0) slot = this.open(key, nowMs);
    if (kind === flowKeyKind.firstFragment) {
      this.fragments.remember(key.source, key.destination, key.protocol, key.identification, slot, store.ids[slot], nowMs);
    }

    store.count(slot, outbound, key.packetBytes, nowMs);
    const twin = store.twin;
    const base = slot * 32;
    // The twin as the uplink sees it: for 46 the output's source is the CLAT, for 64 the input's destination.
    const v6 = outbound ? out.buffer : input;
    const localAt = outbound ? ipv6Header.sourceAt(key.v6At) : ipv6Header.destinationAt(key.v6At);
    const remoteAt = outbound ? ipv6Header.destinationAt(key.v6At) : ipv6Header.sourceAt(key.v6At);
    for (let i = 0; i < 16; i++) {
      twin[base + i] = v6[localAt + i];
      twin[base + 16 + i] = v6[remoteAt + i];
    }
    const tcpFlags = key.tcpFlags;
    if (tcpFlags >= 0) store.tcpSeen[slot] = tcpFlagsSeen(store.tcpSeen[slot], outbound, tcpFlags);
    return slot;
  }

  /** A row for the flow of `key`, its remote's name looked up and announced to process attribution. */
  private open(key: FlowKey, nowMs: number): number {
    const store = this.store;
    const slot = store.create(key.protocol, key.local, key.localPort, key.remote, key.remotePort, key.hash, key.outbound, nowMs);
    if (this.names !== null) store.remoteNames[slot] = this.names.nameOf(key.remote >>> 0, nowMs) ?? null;
    this.newFlows.add(slot, store.ids[slot]);
    return slot;
  }

  /** Removes the flows idle longer than their timeout; call once a second. Returns how many. */
  sweep(nowMs: number): number {
    return this.store.sweep(nowMs);
  }

  /** Removes every flow (the CLAT went down); clients see them in `removed`. */
  clear(): void {
    this.store.clear();
    this.fragments.clear();
    this.newFlows.clear();
  }

  /**
   * Sets the program of flow `id`, the answer of process attribution: null when no program was
   * found. Either way the flow's program is no longer awaited. false when the flow is gone.
   */
  setProgram(id: number, program: FlowProgram | null): boolean {
    const store = this.store;
    const slot = store.slotOfId(id);
    if (slot < 0) return false;
    store.awaitingProgram[slot] = 0;
    if (program === store.programs[slot]) return true;
    store.programs[slot] = program;
    store.changedSeq[slot] = this.changes.next();
    return true;
  }

  /**
   * Whether flow `id` was handed (or is waiting) to process attribution and has no answer yet: a
   * trace filtered by program holds the flow's pairs back until then rather than miss its first
   * packets (the SYN, the first echo request) for want of a name.
   */
  programAwaited(id: number): boolean {
    const slot = this.store.slotOfId(id);
    return slot >= 0 && this.store.awaitingProgram[slot] === 1;
  }

  /** Sets the remote's name of flow `id`. false when the flow is gone. */
  setRemoteName(id: number, name: string | null): boolean {
    const slot = this.store.slotOfId(id);
    if (slot < 0) return false;
    this.store.remoteNames[slot] = name;
    this.store.changedSeq[slot] = this.changes.next();
    return true;
  }

  /**
   * Calls `listener` (on the packet path: it must only schedule work) when a flow is created and
   * takeNewFlows has emptied the queue since the last call; once per burst, not per flow.
   */
  setNewFlowListener(listener: (() => void) | null): void {
    this.newFlows.setListener(listener);
  }

  /** Up to `max` flows created since the last call, oldest first (those already gone are skipped). */
  takeNewFlows(max = 64): NewFlow[] {
    return this.newFlows.take(max);
  }

  /** One flow by id. */
  snapshot(id: number): FlowInfo | undefined {
    const slot = this.store.slotOfId(id);
    return slot < 0 ? undefined : this.infoAt(slot);
  }

  /** Every flow, the most recently seen first. */
  all(): FlowInfo[] {
    const flows: FlowInfo[] = [];
    for (let slot = this.store.mostRecent; slot >= 0; slot = this.store.olderThan(slot)) flows.push(this.infoAt(slot));
    return flows;
  }

  /**
   * The flows created or updated, and the ids of those removed, after change number `since` (0:
   * from the start). A poll scans the table once; the packet path only stamps a number per row.
   */
  changedSince(since: number): FlowChanges {
    const changed: FlowInfo[] = [];
    for (let slot = this.store.mostRecent; slot >= 0; slot = this.store.olderThan(slot)) {
      if (this.store.changedSeq[slot] > since) changed.push(this.infoAt(slot));
    }
    return { seq: this.changes.seq, changed, removed: this.changes.removedSince(since), complete: this.changes.completeSince(since) };
  }

  private infoAt(slot: number): FlowInfo {
    const store = this.store;
    const base = slot * 32;
    const localPort = store.localPort[slot];
    const remotePort = store.remotePort[slot];
    const remote = store.remote4[slot] >>> 0;
    const proto = store.protocol[slot];
    let remoteName = store.remoteNames[slot];
    if (remoteName === null && this.names !== null) {
      // The answer may have come after the flow began (or the name was learned later).
      remoteName = this.names.nameOf(remote, store.lastSeen[slot]) ?? null;
      store.remoteNames[slot] = remoteName;
    }
    return {
      id: store.ids[slot],
      protocol: proto,
      v4: { local: formatIpv4(store.local4[slot] >>> 0), localPort, remote: formatIpv4(remote), remotePort },
      v6: { local: formatIpv6(store.twin, base), localPort, remote: formatIpv6(store.twin, base + 16), remotePort },
      firstSeenMs: store.firstSeen[slot] + this.clockOffsetMs,
      lastSeenMs: store.lastSeen[slot] + this.clockOffsetMs,
      packets46: store.packets46[slot],
      bytes46: store.bytes46[slot],
      packets64: store.packets64[slot],
      bytes64: store.bytes64[slot],
      tcpState: proto === protocol.tcp ? tcpStateName(tcpStateOf(store.tcpSeen[slot])) : null,
      remoteName,
      program: store.programs[slot],
    };
  }
}

// The flow table's rows: columns of typed arrays indexed by slot, found by key or by id through
// open-addressing hash indexes (slot-hash-index.ts), with slots reused. Bounded: when full, the
// least recently seen flow is evicted (a doubly linked list over the slots keeps that order in
// O(1) per packet), and `sweep`, called once a second, expires flows idle past their protocol's
// timeout. Every removal goes to the change log. Nothing here allocates per packet.
//
// The columns are public for the flow table (flow-table.ts), which counts packets into them and
// builds snapshots from them; only this class adds, finds and removes rows.

import type { FlowProgram } from './flow-info.js';
import type { FlowChangeLog } from './flow-change-log.js';
import { hashWords, SlotHashIndex } from './slot-hash-index.js';
import { tcpStateCode, tcpStateOf } from './tcp-flags-seen.js';
import { protocol } from '../wire/protocol.js';

/** How long a flow may stay idle before `sweep` removes it. */
export interface FlowTimeouts {
  readonly tcpEstablishedMs: number;
  /** Opening (SYN seen one way only) or closing (one FIN). */
  readonly tcpTransitoryMs: number;
  /** Both FINs or a RST seen. */
  readonly tcpClosedMs: number;
  readonly udpMs: number;
  readonly icmpMs: number;
  readonly otherMs: number;
}

// The NAT64 behind the CLAT keeps its state at least as long as the NAT behaviour RFCs require, so
// a flow idle for less may still be alive: the table keeps it for that long.
export const defaultFlowTimeouts: FlowTimeouts = {
  // RFC 5382 REQ-5: the established connection idle-timeout MUST NOT be less than 2 h 4 min, ...
  tcpEstablishedMs: 124 * 60_000,
  // ... and the transitory connection idle-timeout MUST NOT be less than 4 min.
  tcpTransitoryMs: 4 * 60_000,
  // Ours: a finished connection stays on screen for a moment (its last ACK may still pass).
  tcpClosedMs: 10_000,
  // RFC 4787 REQ-5: a UDP mapping timer MUST NOT expire in less than 2 min.
  udpMs: 2 * 60_000,
  // RFC 5508 REQ-2 (§3.2): an ICMP Query session timer MUST NOT expire in less than 60 s.
  icmpMs: 60_000,
  // Ours: other protocols (GRE, ESP, SCTP, ...) as UDP.
  otherMs: 2 * 60_000,
};

// Indexes into `counts` (doubles, so that counting past 2^30 never changes a field's representation).
const nextIdIndex = 0;
const evictionsIndex = 1;
const expirationsIndex = 2;

export class FlowStore {
  readonly ids: Float64Array;
  readonly local4: Int32Array;
  readonly remote4: Int32Array;
  readonly localPort: Uint16Array;
  readonly remotePort: Uint16Array;
  readonly protocol: Uint8Array;
  readonly tcpSeen: Uint8Array;
  /** 1 when the flow's first packet went out (46). */
  readonly openedOutbound: Uint8Array;
  readonly inUse: Uint8Array;
  readonly firstSeen: Float64Array;
  readonly lastSeen: Float64Array;
  readonly packets46: Float64Array;
  readonly bytes46: Float64Array;
  readonly packets64: Float64Array;
  readonly bytes64: Float64Array;
  /** The change number of the row's last change (flow-change-log.ts). */
  readonly changedSeq: Float64Array;
  /** Per slot: the IPv6 twin's local address (16 bytes), then its remote address (16 bytes). */
  readonly twin: Uint8Array;
  readonly remoteNames: (string | null)[];
  readonly programs: (FlowProgram | null)[];
  /** 1 while the flow waits in the new-flow queue or for its attribution's answer. */
  readonly awaitingProgram: Uint8Array;

  private readonly keyHash: Int32Array;
  private readonly idHash: Int32Array;
  private readonly byKey: SlotHashIndex;
  private readonly byId: SlotHashIndex;

  /** Least recently seen order: head is the most recent, tail the next to evict. */
  private readonly lruPrev: Int32Array;
  private readonly lruNext: Int32Array;
  private lruHead = -1;
  private lruTail = -1;
  private readonly freeSlots: Int32Array;
  private freeCount: number;
  private readonly counts = new Float64Array(3);

  constructor(
    readonly capacity: number,
    readonly timeouts: FlowTimeouts,
    private readonly changes: FlowChangeLog,
  ) {
    this.ids = new Float64Array(capacity);
    this.keyHash = new Int32Array(capacity);
    this.idHash = new Int32Array(capacity);
    this.local4 = new Int32Array(capacity);
    this.remote4 = new Int32Array(capacity);
    this.localPort = new Uint16Array(capacity);
    this.remotePort = new Uint16Array(capacity);
    this.protocol = new Uint8Array(capacity);
    this.tcpSeen = new Uint8Array(capacity);
    this.openedOutbound = new Uint8Array(capacity);
    this.inUse = new Uint8Array(capacity);
    this.firstSeen = new Float64Array(capacity);
    this.lastSeen = new Float64Array(capacity);
    this.packets46 = new Float64Array(capacity);
    this.bytes46 = new Float64Array(capacity);
    this.packets64 = new Float64Array(capacity);
    this.bytes64 = new Float64Array(capacity);
    this.changedSeq = new Float64Array(capacity);
    this.twin = new Uint8Array(capacity * 32);
    this.remoteNames = new Array<string | null>(capacity).fill(null);
    this.programs = new Array<FlowProgram | null>(capacity).fill(null);
    this.awaitingProgram = new Uint8Array(capacity);

    this.lruPrev = new Int32Array(capacity).fill(-1);
    this.lruNext = new Int32Array(capacity).fill(-1);
    this.freeSlots = new Int32Array(capacity);
    // Hand out slot 0 first (a stack popped from the end).
    for (let i = 0; i < capacity; i++) this.freeSlots[i] = capacity - 1 - i;
    this.freeCount = capacity;

    this.byKey = new SlotHashIndex(capacity, this.keyHash);
    this.byId = new SlotHashIndex(capacity, this.idHash);
    this.counts[nextIdIndex] = 1;
  }

  /** Flows in the store. */
  get size(): number {
    return this.capacity - this.freeCount;
  }

  /** Flows removed to make room for new ones. */
  get evictions(): number {
    return this.counts[evictionsIndex];
  }

  /** Flows removed by `sweep` for being idle. */
  get expirations(): number {
    return this.counts[expirationsIndex];
  }

  /** The most recently seen flow's slot, or -1; `olderThan` walks on from there to the next older, then -1. */
  get mostRecent(): number {
    return this.lruHead;
  }

  olderThan(slot: number): number {
    return this.lruNext[slot];
  }

  /**
   * The slot of the flow with this key (flow-key.ts: the host's side of the IPv4 5-tuple, and
   * `hash`, FlowKey's hash of it), or -1.
   */
  find(proto: number, local: number, localPort: number, remote: number, remotePort: number, hash: number): number {
    const index = this.byKey;
    for (let bucket = index.bucketOf(hash); ; bucket = (bucket + 1) & index.mask) {
      const slot = index.slotAt(bucket);
      if (slot < 0) return -1;
      if (
        this.keyHash[slot] === hash && this.local4[slot] === local && this.remote4[slot] === remote &&
        this.localPort[slot] === localPort && this.remotePort[slot] === remotePort && this.protocol[slot] === proto
      ) {
        return slot;
      }
    }
  }

  /**
   * A new row for the flow with this key (`find` found none), opened going out (46) or coming in
   * at `nowMs`; when the store is full, the least recently seen flow is evicted to make room.
   * Returns its slot.
   */
  create(proto: number, local: number, localPort: number, remote: number, remotePort: number, hash: number, outbound: boolean, nowMs: number): number {
    if (this.freeCount === 0) {
      this.remove(this.lruTail);
      this.counts[evictionsIndex]++;
    }
    const slot = this.freeSlots[--this.freeCount];
    const id = this.counts[nextIdIndex]++;
    this.ids[slot] = id;
    this.keyHash[slot] = hash;
    this.idHash[slot] = hashId(id);
    this.local4[slot] = local;
    this.remote4[slot] = remote;
    this.localPort[slot] = localPort;
    this.remotePort[slot] = remotePort;
    this.protocol[slot] = proto;
    this.tcpSeen[slot] = 0;
    this.openedOutbound[slot] = outbound ? 1 : 0;
    this.firstSeen[slot] = nowMs;
    this.lastSeen[slot] = nowMs;
    this.packets46[slot] = 0;
    this.bytes46[slot] = 0;
    this.packets64[slot] = 0;
    this.bytes64[slot] = 0;
    this.inUse[slot] = 1;
    this.programs[slot] = null;
    this.awaitingProgram[slot] = 0;
    this.remoteNames[slot] = null;
    this.byKey.insert(slot);
    this.byId.insert(slot);
    this.lruPushFront(slot);
    return slot;
  }

  /** A packet of `packetBytes` seen on the flow in `slot` at `nowMs`: counted, stamped and moved to the front. */
  count(slot: number, outbound: boolean, packetBytes: number, nowMs: number): void {
    if (outbound) {
      this.packets46[slot]++;
      this.bytes46[slot] += packetBytes;
    } else {
      this.packets64[slot]++;
      this.bytes64[slot] += packetBytes;
    }
    this.lastSeen[slot] = nowMs;
    this.changedSeq[slot] = this.changes.next();
    const head = this.lruHead;
    if (head !== slot) {
      // To the front of the LRU list, written out here rather than as lruUnlink then lruPushFront:
      // this runs per packet, and V8 inlines a method's callees only up to a budget of bytecode,
      // which calls made only on some packets (as those two were) may not get. The slot is in the
      // list and not its head, so it has a previous one, and the list has a head.
      const prev = this.lruPrev[slot];
      const next = this.lruNext[slot];
      this.lruNext[prev] = next;
      if (next >= 0) this.lruPrev[next] = prev;
      else this.lruTail = prev;
      this.lruPrev[slot] = -1;
      this.lruNext[slot] = head;
      this.lruPrev[head] = slot;
      this.lruHead = slot;
    }
  }

  /** The slot of flow `id`, or -1. */
  slotOfId(id: number): number {
    const index = this.byId;
    const hash = hashId(id);
    for (let bucket = index.bucketOf(hash); ; bucket = (bucket + 1) & index.mask) {
      const slot = index.slotAt(bucket);
      if (slot < 0) return -1;
      if (this.ids[slot] === id) return slot;
    }
  }

  /** Removes the flows idle longer than their timeout; call once a second. Returns how many. */
  sweep(nowMs: number): number {
    let removed = 0;
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.inUse[slot] === 0) continue;
      if (nowMs - this.lastSeen[slot] > this.timeoutOf(slot)) {
        this.remove(slot);
        removed++;
      }
    }
    this.counts[expirationsIndex] += removed;
    return removed;
  }

  /** Removes every flow. */
  clear(): void {
    for (let slot = 0; slot < this.capacity; slot++) if (this.inUse[slot] === 1) this.remove(slot);
  }

  private remove(slot: number): void {
    this.byKey.remove(slot);
    this.byId.remove(slot);
    this.lruUnlink(slot);
    this.inUse[slot] = 0;
    this.programs[slot] = null;
    this.awaitingProgram[slot] = 0;
    this.remoteNames[slot] = null;
    this.freeSlots[this.freeCount++] = slot;
    this.changes.removed(this.ids[slot]);
  }

  private timeoutOf(slot: number): number {
    const t = this.timeouts;
    switch (this.protocol[slot]) {
      case protocol.tcp: {
        const state = tcpStateOf(this.tcpSeen[slot]);
        if (state === tcpStateCode.established) return t.tcpEstablishedMs;
        if (state === tcpStateCode.closed) return t.tcpClosedMs;
        return t.tcpTransitoryMs;
      }
      case protocol.udp:
        return t.udpMs;
      case protocol.icmp:
        return t.icmpMs;
      default:
        return t.otherMs;
    }
  }

  private lruUnlink(slot: number): void {
    const prev = this.lruPrev[slot];
    const next = this.lruNext[slot];
    if (prev >= 0) this.lruNext[prev] = next;
    else if (this.lruHead === slot) this.lruHead = next;
    if (next >= 0) this.lruPrev[next] = prev;
    else if (this.lruTail === slot) this.lruTail = prev;
    this.lruPrev[slot] = -1;
    this.lruNext[slot] = -1;
  }

  private lruPushFront(slot: number): void {
    this.lruPrev[slot] = -1;
    this.lruNext[slot] = this.lruHead;
    if (this.lruHead >= 0) this.lruPrev[this.lruHead] = slot;
    else this.lruTail = slot;
    this.lruHead = slot;
  }
}

function hashId(id: number): number {
  return hashWords(id | 0, Math.floor(id / 0x1_0000_0000) | 0, 0, 0);
}

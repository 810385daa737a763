// The flows through the CLAT: one row per IPv4 5-tuple of the host's side (local 192.0.0.1 and
// port, remote IPv4 and port, protocol), with its IPv6 twin as the uplink sees it, first and last
// seen, packets and bytes each way, a TCP state, the remote's DNS name and the owning program.
//
// The packet loop calls `record` for every packet; it allocates nothing. Rows are columns of typed
// arrays indexed by slot, found through an open-addressing hash index (slot-hash-index.ts), and
// slots are reused. The table is bounded: when full, the least recently seen flow is evicted (a
// doubly linked list over the slots keeps the order in O(1) per packet), and `sweep`, called once
// a second, expires idle flows. Everything that builds objects (snapshots, change lists, the
// queue of new flows for process attribution) runs when a client asks, off the packet path.
//
// What a packet counts as:
// - TCP and UDP: their ports. ICMP echo request and reply: the identifier is the local port (remote
//   port 0). An ICMP error is counted on the flow of the packet it quotes (RFC 792: the IP header
//   and first 8 bytes of the original datagram) if that flow exists; it never creates one.
// - Fragments: the first one (offset 0) carries the ports and is counted on its flow; later ones
//   find that flow through a note the first one left (fragment-memo.ts). A fragment whose first
//   one was not seen (out of order, or a note already overwritten) goes to the flow of its
//   addresses and protocol with ports 0.
// - Bytes are those of the IPv4 packet, the one the host's program sent or receives (the IPv6 twin
//   is 20 bytes longer, 28 with a Fragment header). One IPv4 packet the translator splits into
//   several IPv6 fragments is one packet.
//
// Times are the packet loop's (performance.now(), monotonic ms); snapshots add `clockOffsetMs`
// (the engine passes performance.timeOrigin, making them epoch ms).
//
// Inside, IPv4 addresses and hashes are int32 (`| 0`), formatted as uint32 only in snapshots: V8
// keeps int32 unboxed, but a uint32 above 2^31 (192.0.0.1 is one) passed to a function it did not
// inline becomes a heap number, which would be an allocation per packet.

import type { FlowChanges, FlowInfo, FlowProgram, NewFlow } from './flow-info.js';
import { FragmentMemo } from './fragment-memo.js';
import { hashWords, SlotHashIndex } from './slot-hash-index.js';
import { tcpFlagsSeen, tcpStateCode, tcpStateName, tcpStateOf } from './tcp-flags-seen.js';
import { formatIpv4, formatIpv6 } from '../wire/address.js';
import { read16, readInt32 } from '../wire/bytes.js';
import { protocol } from '../wire/protocol.js';
import { icmp4Type, isIcmp4Error } from '../wire/icmp.js';
import type { XlatOutput } from '../xlat/output.js';
import { Verdict } from '../xlat/verdict.js';

const { icmp: protocolIcmp, tcp: protocolTcp, udp: protocolUdp } = protocol;

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

// Indexes into `state` (doubles, so that counting past 2^30 never changes a field's representation).
const seqIndex = 0;
const nextIdIndex = 1;
const evictionsIndex = 2;
const expirationsIndex = 3;
const newFlowsDroppedIndex = 4;
const forgottenThroughIndex = 5;

export class FlowTable {
  readonly capacity: number;
  readonly timeouts: FlowTimeouts;
  private readonly names: RemoteNames | null;
  private readonly clockOffsetMs: number;

  private readonly ids: Float64Array;
  private readonly keyHash: Int32Array;
  private readonly idHash: Int32Array;
  private readonly local4: Int32Array;
  private readonly remote4: Int32Array;
  private readonly localPort: Uint16Array;
  private readonly remotePort: Uint16Array;
  private readonly protocol: Uint8Array;
  private readonly tcpSeen: Uint8Array;
  /** 1 when the flow's first packet went out (46). */
  private readonly openedOutbound: Uint8Array;
  private readonly inUse: Uint8Array;
  private readonly firstSeen: Float64Array;
  private readonly lastSeen: Float64Array;
  private readonly packets46: Float64Array;
  private readonly bytes46: Float64Array;
  private readonly packets64: Float64Array;
  private readonly bytes64: Float64Array;
  private readonly changedSeq: Float64Array;
  /** Per slot: the IPv6 twin's local address (16 bytes), then its remote address (16 bytes). */
  private readonly twin: Uint8Array;
  private readonly remoteNames: (string | null)[];
  private readonly programs: (FlowProgram | null)[];
  /** 1 while the flow waits in the new-flow queue or for its attribution's answer. */
  private readonly awaitingProgram: Uint8Array;

  /** Least recently seen order: head is the most recent, tail the next to evict. */
  private readonly lruPrev: Int32Array;
  private readonly lruNext: Int32Array;
  private lruHead = -1;
  private lruTail = -1;
  private readonly freeSlots: Int32Array;
  private freeCount: number;
  private used = 0;

  private readonly byKey: SlotHashIndex;
  private readonly byId: SlotHashIndex;
  private readonly fragments = new FragmentMemo();

  private readonly newSlots: Int32Array;
  private readonly newIds: Float64Array;
  private newHead = 0;
  private newCount = 0;
  private newFlowListener: (() => void) | null = null;
  private listenerArmed = true;

  private readonly removedIds: Float64Array;
  private readonly removedSeqs: Float64Array;
  private removedNext = 0;
  private removedStored = 0;

  private readonly state = new Float64Array(6);

  constructor(options: FlowTableOptions = {}) {
    const capacity = options.capacity ?? 8192;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('FlowTable capacity must be a positive integer');
    this.capacity = capacity;
    this.timeouts = { ...defaultFlowTimeouts, ...options.timeouts };
    this.names = options.names ?? null;
    this.clockOffsetMs = options.clockOffsetMs ?? 0;

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

    const backlog = options.newFlowBacklog ?? 1024;
    this.newSlots = new Int32Array(backlog);
    this.newIds = new Float64Array(backlog);
    const removalLog = options.removalLog ?? 4096;
    this.removedIds = new Float64Array(removalLog);
    this.removedSeqs = new Float64Array(removalLog);
    this.state[nextIdIndex] = 1;
  }

  /** Flows in the table. */
  get size(): number {
    return this.used;
  }

  /** Flows removed to make room for new ones since the table was made. */
  get evictions(): number {
    return this.state[evictionsIndex];
  }

  /** Flows removed by `sweep` for being idle. */
  get expirations(): number {
    return this.state[expirationsIndex];
  }

  /** New flows never handed to takeNewFlows because the backlog was full. */
  get newFlowsDropped(): number {
    return this.state[newFlowsDroppedIndex];
  }

  /** The change counter: every update and removal increments it (see changedSince). */
  get seq(): number {
    return this.state[seqIndex];
  }

  /** The id of the flow in `slot` (what `record` returned), or -1. */
  flowIdAt(slot: number): number {
    return slot >= 0 && slot < this.capacity && this.inUse[slot] === 1 ? this.ids[slot] : -1;
  }

  /**
   * Counts one packet the packet loop handled (PacketObserver's arguments). Only translations
   * count: direction 46 takes the key from the IPv4 input and the twin from the IPv6 output, 64
   * the key from the IPv4 output (addresses and ports reversed) and the twin from the IPv6 input.
   * Returns the flow's slot (flowIdAt gives its id), or -1 when the packet belongs to no flow.
   */
  record(input: Uint8Array, start: number, length: number, verdict: number, out: XlatOutput, nowMs: number): number {
    if (verdict !== Verdict.translated || out.count === 0 || length <= 0 || out.generated[0] !== 0) return -1;
    const version = input[start] >> 4;
    let v4: Uint8Array;
    let at: number;
    let end: number;
    let v6: Uint8Array;
    let v6At: number;
    let outbound: boolean;
    if (version === 4 && out.family[0] === 6) {
      outbound = true;
      v4 = input;
      at = start;
      end = start + length;
      v6 = out.buffer;
      v6At = out.start[0];
    } else if (version === 6 && out.family[0] === 4) {
      outbound = false;
      v4 = out.buffer;
      at = out.start[0];
      end = at + out.length[0];
      v6 = input;
      v6At = start;
    } else {
      return -1;
    }
    const packetBytes = end - at;
    if (packetBytes < 20) return -1;
    const ihl = (v4[at] & 0x0f) << 2;
    const totalLen = Math.min(read16(v4, at + 2), packetBytes);
    if (ihl < 20 || ihl > totalLen) return -1;
    const proto = v4[at + 9];
    const src = readInt32(v4, at + 12);
    const dst = readInt32(v4, at + 16);
    const fragment = read16(v4, at + 6);
    const identification = read16(v4, at + 4);
    const local = outbound ? src : dst;
    const remote = outbound ? dst : src;

    let slot: number;
    let tcpFlags = -1;
    if ((fragment & 0x1fff) !== 0) {
      slot = this.fragments.recall(src, dst, proto, identification, nowMs, this.ids);
      if (slot < 0) slot = this.findOrCreate(proto, local, 0, remote, 0, outbound, nowMs);
    } else {
      const l4 = at + ihl;
      const l4Bytes = totalLen - ihl;
      let localPort = 0;
      let remotePort = 0;
      if (proto === protocolTcp || proto === protocolUdp) {
        if (l4Bytes >= 4) {
          const srcPort = read16(v4, l4);
          const dstPort = read16(v4, l4 + 2);
          localPort = outbound ? srcPort : dstPort;
          remotePort = outbound ? dstPort : srcPort;
        }
        if (proto === protocolTcp && l4Bytes >= 14) tcpFlags = v4[l4 + 13];
      } else if (proto === protocolIcmp && l4Bytes >= 8) {
        const type = v4[l4];
        if (type === icmp4Type.echoRequest || type === icmp4Type.echoReply) {
          localPort = read16(v4, l4 + 4);
        } else if (isIcmp4Error(type)) {
          return this.recordIcmpError(v4, l4 + 8, at + totalLen, outbound, packetBytes, nowMs);
        }
      }
      slot = this.findOrCreate(proto, local, localPort, remote, remotePort, outbound, nowMs);
      if ((fragment & 0x2000) !== 0) this.fragments.remember(src, dst, proto, identification, slot, this.ids[slot], nowMs);
    }

    this.count(slot, outbound, packetBytes, nowMs);
    const twin = this.twin;
    const base = slot * 32;
    // The twin as the uplink sees it: for 46 the output's source is the CLAT, for 64 the input's destination.
    const localAt = v6At + (outbound ? 8 : 24);
    const remoteAt = v6At + (outbound ? 24 : 8);
    for (let i = 0; i < 16; i++) {
      twin[base + i] = v6[localAt + i];
      twin[base + 16 + i] = v6[remoteAt + i];
    }
    if (tcpFlags >= 0) this.tcpSeen[slot] = tcpFlagsSeen(this.tcpSeen[slot], outbound, tcpFlags);
    return slot;
  }

  /**
   * An ICMP error (its quoted IPv4 packet at `inner`) counts on the quoted packet's flow. The quote
   * went the other way: an error coming in (64) quotes a packet the host sent, so its source is local.
   */
  private recordIcmpError(bytes: Uint8Array, inner: number, end: number, outbound: boolean, packetBytes: number, nowMs: number): number {
    if (end - inner < 20 || bytes[inner] >> 4 !== 4) return -1;
    const ihl = (bytes[inner] & 0x0f) << 2;
    if (ihl < 20 || inner + ihl > end) return -1;
    const proto = bytes[inner + 9];
    const quotedSrc = readInt32(bytes, inner + 12);
    const quotedDst = readInt32(bytes, inner + 16);
    const local = outbound ? quotedDst : quotedSrc;
    const remote = outbound ? quotedSrc : quotedDst;
    let localPort = 0;
    let remotePort = 0;
    const l4 = inner + ihl;
    if ((read16(bytes, inner + 6) & 0x1fff) === 0) {
      if ((proto === protocolTcp || proto === protocolUdp) && l4 + 4 <= end) {
        const srcPort = read16(bytes, l4);
        const dstPort = read16(bytes, l4 + 2);
        localPort = outbound ? dstPort : srcPort;
        remotePort = outbound ? srcPort : dstPort;
      } else if (proto === protocolIcmp && l4 + 8 <= end) {
        const type = bytes[l4];
        if (type === icmp4Type.echoRequest || type === icmp4Type.echoReply) localPort = read16(bytes, l4 + 4);
      }
    }
    const slot = this.find(proto, local, localPort, remote, remotePort, hashKey(proto, local, localPort, remote, remotePort));
    if (slot >= 0) this.count(slot, outbound, packetBytes, nowMs);
    return slot;
  }

  private count(slot: number, outbound: boolean, packetBytes: number, nowMs: number): void {
    if (outbound) {
      this.packets46[slot]++;
      this.bytes46[slot] += packetBytes;
    } else {
      this.packets64[slot]++;
      this.bytes64[slot] += packetBytes;
    }
    this.lastSeen[slot] = nowMs;
    this.changedSeq[slot] = ++this.state[seqIndex];
    if (this.lruHead !== slot) {
      this.lruUnlink(slot);
      this.lruPushFront(slot);
    }
  }

  private find(proto: number, local: number, localPort: number, remote: number, remotePort: number, hash: number): number {
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

  private findOrCreate(
    proto: number, local: number, localPort: number, remote: number, remotePort: number, outbound: boolean, nowMs: number,
  ): number {
    const hash = hashKey(proto, local, localPort, remote, remotePort);
    const found = this.find(proto, local, localPort, remote, remotePort, hash);
    if (found >= 0) return found;

    if (this.freeCount === 0) {
      this.removeSlot(this.lruTail);
      this.state[evictionsIndex]++;
    }
    const slot = this.freeSlots[--this.freeCount];
    const id = this.state[nextIdIndex]++;
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
    this.remoteNames[slot] = this.names === null ? null : (this.names.nameOf(remote >>> 0, nowMs) ?? null);
    this.byKey.insert(slot);
    this.byId.insert(slot);
    this.lruPushFront(slot);
    this.used++;
    this.announceNewFlow(slot, id);
    return slot;
  }

  private announceNewFlow(slot: number, id: number): void {
    const backlog = this.newSlots.length;
    if (backlog === 0) return;
    if (this.newCount === backlog) {
      // The oldest waiting flow will never be attributed: nobody should wait for its program.
      const dropped = this.newSlots[this.newHead];
      if (this.ids[dropped] === this.newIds[this.newHead]) this.awaitingProgram[dropped] = 0;
      this.newHead = (this.newHead + 1) % backlog;
      this.newCount--;
      this.state[newFlowsDroppedIndex]++;
    }
    const at = (this.newHead + this.newCount) % backlog;
    this.newSlots[at] = slot;
    this.newIds[at] = id;
    this.newCount++;
    this.awaitingProgram[slot] = 1;
    if (this.listenerArmed && this.newFlowListener !== null) {
      this.listenerArmed = false;
      this.newFlowListener();
    }
  }

  private removeSlot(slot: number): void {
    this.byKey.remove(slot);
    this.byId.remove(slot);
    this.lruUnlink(slot);
    this.inUse[slot] = 0;
    this.programs[slot] = null;
    this.awaitingProgram[slot] = 0;
    this.remoteNames[slot] = null;
    this.freeSlots[this.freeCount++] = slot;
    this.used--;

    const seq = ++this.state[seqIndex];
    const log = this.removedIds.length;
    if (log === 0) {
      this.state[forgottenThroughIndex] = seq;
      return;
    }
    if (this.removedStored === log) this.state[forgottenThroughIndex] = this.removedSeqs[this.removedNext];
    else this.removedStored++;
    this.removedIds[this.removedNext] = this.ids[slot];
    this.removedSeqs[this.removedNext] = seq;
    this.removedNext = (this.removedNext + 1) % log;
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

  private slotOfId(id: number): number {
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
        this.removeSlot(slot);
        removed++;
      }
    }
    this.state[expirationsIndex] += removed;
    return removed;
  }

  private timeoutOf(slot: number): number {
    const t = this.timeouts;
    switch (this.protocol[slot]) {
      case protocolTcp: {
        const state = tcpStateOf(this.tcpSeen[slot]);
        if (state === tcpStateCode.established) return t.tcpEstablishedMs;
        if (state === tcpStateCode.closed) return t.tcpClosedMs;
        return t.tcpTransitoryMs;
      }
      case protocolUdp:
        return t.udpMs;
      case protocolIcmp:
        return t.icmpMs;
      default:
        return t.otherMs;
    }
  }

  /** Removes every flow (the CLAT went down); clients see them in `removed`. */
  clear(): void {
    for (let slot = 0; slot < this.capacity; slot++) if (this.inUse[slot] === 1) this.removeSlot(slot);
    this.fragments.clear();
    this.newCount = 0;
    this.listenerArmed = true;
  }

  /**
   * Sets the program of flow `id`, the answer of process attribution: null when no program was
   * found. Either way the flow's program is no longer awaited. false when the flow is gone.
   */
  setProgram(id: number, program: FlowProgram | null): boolean {
    const slot = this.slotOfId(id);
    if (slot < 0) return false;
    this.awaitingProgram[slot] = 0;
    if (program === this.programs[slot]) return true;
    this.programs[slot] = program;
    this.changedSeq[slot] = ++this.state[seqIndex];
    return true;
  }

  /**
   * Whether flow `id` was handed (or is waiting) to process attribution and has no answer yet: a
   * trace filtered by program holds the flow's pairs back until then rather than miss its first
   * packets (the SYN, the first echo request) for want of a name.
   */
  programAwaited(id: number): boolean {
    const slot = this.slotOfId(id);
    return slot >= 0 && this.awaitingProgram[slot] === 1;
  }

  /** Sets the remote's name of flow `id`. false when the flow is gone. */
  setRemoteName(id: number, name: string | null): boolean {
    const slot = this.slotOfId(id);
    if (slot < 0) return false;
    this.remoteNames[slot] = name;
    this.changedSeq[slot] = ++this.state[seqIndex];
    return true;
  }

  /**
   * Calls `listener` (on the packet path: it must only schedule work) when a flow is created and
   * takeNewFlows has emptied the queue since the last call; once per burst, not per flow.
   */
  setNewFlowListener(listener: (() => void) | null): void {
    this.newFlowListener = listener;
    this.listenerArmed = true;
    if (listener !== null && this.newCount > 0) {
      this.listenerArmed = false;
      listener();
    }
  }

  /** Up to `max` flows created since the last call, oldest first (those already gone are skipped). */
  takeNewFlows(max = 64): NewFlow[] {
    const taken: NewFlow[] = [];
    const backlog = this.newSlots.length;
    while (this.newCount > 0 && taken.length < max) {
      const slot = this.newSlots[this.newHead];
      const id = this.newIds[this.newHead];
      this.newHead = (this.newHead + 1) % backlog;
      this.newCount--;
      if (this.inUse[slot] === 0 || this.ids[slot] !== id) continue;
      taken.push({
        id,
        protocol: this.protocol[slot],
        localV4: this.local4[slot] >>> 0,
        localPort: this.localPort[slot],
        remoteV4: this.remote4[slot] >>> 0,
        remotePort: this.remotePort[slot],
        outbound: this.openedOutbound[slot] === 1,
      });
    }
    if (this.newCount === 0) this.listenerArmed = true;
    return taken;
  }

  /** One flow by id. */
  snapshot(id: number): FlowInfo | undefined {
    const slot = this.slotOfId(id);
    return slot < 0 ? undefined : this.infoAt(slot);
  }

  /** Every flow, the most recently seen first. */
  all(): FlowInfo[] {
    const flows: FlowInfo[] = [];
    for (let slot = this.lruHead; slot >= 0; slot = this.lruNext[slot]) flows.push(this.infoAt(slot));
    return flows;
  }

  /**
   * The flows created or updated, and the ids of those removed, after change number `since` (0:
   * from the start). A poll scans the table once; the packet path only stamps a number per row.
   */
  changedSince(since: number): FlowChanges {
    const changed: FlowInfo[] = [];
    for (let slot = this.lruHead; slot >= 0; slot = this.lruNext[slot]) {
      if (this.changedSeq[slot] > since) changed.push(this.infoAt(slot));
    }
    const removed: number[] = [];
    const log = this.removedIds.length;
    for (let i = 0; i < this.removedStored; i++) {
      const at = (this.removedNext - this.removedStored + i + log) % log;
      if (this.removedSeqs[at] > since) removed.push(this.removedIds[at]);
    }
    return { seq: this.state[seqIndex], changed, removed, complete: since >= this.state[forgottenThroughIndex] };
  }

  private infoAt(slot: number): FlowInfo {
    const base = slot * 32;
    const localPort = this.localPort[slot];
    const remotePort = this.remotePort[slot];
    const remote = this.remote4[slot] >>> 0;
    const proto = this.protocol[slot];
    let remoteName = this.remoteNames[slot];
    if (remoteName === null && this.names !== null) {
      // The answer may have come after the flow began (or the name was learned later).
      remoteName = this.names.nameOf(remote, this.lastSeen[slot]) ?? null;
      this.remoteNames[slot] = remoteName;
    }
    return {
      id: this.ids[slot],
      protocol: proto,
      v4: { local: formatIpv4(this.local4[slot] >>> 0), localPort, remote: formatIpv4(remote), remotePort },
      v6: { local: formatIpv6(this.twin, base), localPort, remote: formatIpv6(this.twin, base + 16), remotePort },
      firstSeenMs: this.firstSeen[slot] + this.clockOffsetMs,
      lastSeenMs: this.lastSeen[slot] + this.clockOffsetMs,
      packets46: this.packets46[slot],
      bytes46: this.bytes46[slot],
      packets64: this.packets64[slot],
      bytes64: this.bytes64[slot],
      tcpState: proto === protocolTcp ? tcpStateName(tcpStateOf(this.tcpSeen[slot])) : null,
      remoteName,
      program: this.programs[slot],
    };
  }
}

function hashKey(proto: number, local: number, localPort: number, remote: number, remotePort: number): number {
  return hashWords(local, remote, (localPort << 16) | remotePort, proto);
}

function hashId(id: number): number {
  return hashWords(id | 0, Math.floor(id / 0x1_0000_0000) | 0, 0, 0);
}

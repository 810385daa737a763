// Which flow a fragmented IPv4 packet belongs to. Only the first fragment (offset 0) carries the
// ports; the others share its (source, destination, protocol, identification) (RFC 791 §3.2), so
// the first one leaves a note here and later ones find their flow by it. Direction 64 works the
// same way: the translator copies the low 16 bits of the IPv6 Fragment header's Identification
// into the IPv4 one (RFC 7915 §5.1.1), equal for all fragments of a packet.
//
// A small direct-mapped table, no allocation: a collision overwrites, and a fragment whose note is
// gone (overwritten, too old, or it came before the first fragment) is counted by the caller on
// a flow with ports 0 instead. Notes last as long as Linux waits to reassemble (ipfrag_time, 30 s).

import { hashWords } from './slot-hash-index.js';

const noteLifetimeMs = 30_000;

export class FragmentMemo {
  private readonly src: Int32Array;
  private readonly dst: Int32Array;
  private readonly idProtocol: Int32Array;
  private readonly slot: Int32Array;
  private readonly flowId: Float64Array;
  private readonly atMs: Float64Array;
  private readonly mask: number;

  /** @param entries a power of two */
  constructor(entries = 256) {
    if (entries < 1 || (entries & (entries - 1)) !== 0) throw new RangeError('FragmentMemo entries must be a power of two');
    this.src = new Int32Array(entries);
    this.dst = new Int32Array(entries);
    this.idProtocol = new Int32Array(entries);
    this.slot = new Int32Array(entries).fill(-1);
    this.flowId = new Float64Array(entries);
    this.atMs = new Float64Array(entries);
    this.mask = entries - 1;
  }

  /**
   * The first fragment of (src, dst, protocol, identification) went to flow `flowId` in `slot`.
   * Addresses are int32 (`| 0` of the uint32), as the flow table keeps them.
   */
  remember(src: number, dst: number, protocol: number, identification: number, slot: number, flowId: number, nowMs: number): void {
    const key = (identification << 8) | protocol;
    const i = hashWords(src, dst, key, 0) & this.mask;
    this.src[i] = src;
    this.dst[i] = dst;
    this.idProtocol[i] = key;
    this.slot[i] = slot;
    this.flowId[i] = flowId;
    this.atMs[i] = nowMs;
  }

  /**
   * The slot of the flow a later fragment belongs to, or -1. `flowIds` is the flow table's id
   * column: a note whose slot now holds another flow is stale.
   */
  recall(src: number, dst: number, protocol: number, identification: number, nowMs: number, flowIds: Float64Array): number {
    const key = (identification << 8) | protocol;
    const i = hashWords(src, dst, key, 0) & this.mask;
    const slot = this.slot[i];
    if (slot < 0 || this.src[i] !== src || this.dst[i] !== dst || this.idProtocol[i] !== key) return -1;
    if (nowMs - this.atMs[i] > noteLifetimeMs || flowIds[slot] !== this.flowId[i]) return -1;
    return slot;
  }

  clear(): void {
    this.slot.fill(-1);
  }
}

// An open-addressing hash index from a key to a slot of a column store (the flow table's rows).
// The index itself holds only slot numbers; the keys live in the caller's columns, so a lookup
// is a loop the caller writes over `bucketOf` and `slotAt` comparing its own columns, and nothing
// is allocated. Linear probing, at most half full (buckets = 2 × capacity rounded up to a power of
// two), and deletion by backward shift (Knuth, TAOCP vol. 3, §6.4, Algorithm R) so there are no
// tombstones to accumulate.
//
// Hashes are int32 (signed): V8 keeps int32 values unboxed, while a uint32 above 2^31 passed to a
// function that is not inlined becomes a heap number, an allocation per call.

export class SlotHashIndex {
  /** slot + 1 per bucket; 0 is empty. */
  private readonly buckets: Int32Array;
  readonly mask: number;

  /**
   * @param slotCapacity how many slots can be indexed at once
   * @param slotHash the caller's column with each indexed slot's hash (read on insert and delete)
   */
  constructor(slotCapacity: number, private readonly slotHash: Int32Array) {
    let size = 16;
    while (size < slotCapacity * 2) size *= 2;
    this.buckets = new Int32Array(size);
    this.mask = size - 1;
  }

  /** The first bucket to probe for `hash`; continue with `(bucket + 1) & mask`. */
  bucketOf(hash: number): number {
    return hash & this.mask;
  }

  /** The slot in `bucket`, or -1 if it is empty (the probe ends there: the key is absent). */
  slotAt(bucket: number): number {
    return this.buckets[bucket] - 1;
  }

  /** Indexes `slot` under `slotHash[slot]`. The caller checked it is not indexed yet. */
  insert(slot: number): void {
    let bucket = this.slotHash[slot] & this.mask;
    while (this.buckets[bucket] !== 0) bucket = (bucket + 1) & this.mask;
    this.buckets[bucket] = slot + 1;
  }

  /** Removes `slot` (indexed under `slotHash[slot]`, which must not have changed since insert). */
  remove(slot: number): void {
    const { buckets, mask, slotHash } = this;
    let hole = slotHash[slot] & mask;
    while (buckets[hole] !== slot + 1) {
      if (buckets[hole] === 0) return; // not indexed
      hole = (hole + 1) & mask;
    }
    // Backward shift: move later entries of the probe run into the hole when their home bucket
    // does not lie cyclically in (hole, current].
    let current = hole;
    for (;;) {
      current = (current + 1) & mask;
      const entry = buckets[current];
      if (entry === 0) break;
      const home = slotHash[entry - 1] & mask;
      const homeBetween = hole <= current ? hole < home && home <= current : hole < home || home <= current;
      if (homeBetween) continue;
      buckets[hole] = entry;
      hole = current;
    }
    buckets[hole] = 0;
  }

  clear(): void {
    this.buckets.fill(0);
  }
}

/** An int32 mix of up to four 32-bit words (MurmurHash3's finalizer after each word). */
export function hashWords(a: number, b: number, c: number, d: number): number {
  let h = mix(0x9e3779b9 ^ a);
  h = mix(h ^ b);
  h = mix(h ^ c);
  h = mix(h ^ d);
  return h | 0;
}

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

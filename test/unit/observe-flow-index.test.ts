// The open-addressing index under the flow table: after any sequence of inserts and removals
// (with hashes chosen to collide and wrap around the end of the bucket array), every indexed slot
// is found by probing from its home bucket and no removed slot is.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashWords, SlotHashIndex } from '../../core/observe/slot-hash-index.js';

function probe(index: SlotHashIndex, hash: number, slot: number): boolean {
  for (let bucket = index.bucketOf(hash); ; bucket = (bucket + 1) & index.mask) {
    const found = index.slotAt(bucket);
    if (found < 0) return false;
    if (found === slot) return true;
  }
}

describe('slot hash index', () => {
  it('finds exactly the indexed slots after random inserts and removals', () => {
    const capacity = 24;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(capacity - 1), fc.integer({ min: -70, max: 70 })), { minLength: 1, maxLength: 300 }),
        (operations) => {
          const hashes = new Int32Array(capacity);
          const index = new SlotHashIndex(capacity, hashes);
          const live = new Set<number>();
          for (const [slot, hash] of operations) {
            if (live.has(slot)) {
              index.remove(slot);
              live.delete(slot);
            } else {
              hashes[slot] = hash; // few distinct hashes, negative ones too: long runs that wrap
              index.insert(slot);
              live.add(slot);
            }
            for (let s = 0; s < capacity; s++) expect(probe(index, hashes[s], s)).toBe(live.has(s));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('spreads consecutive keys over the buckets', () => {
    const buckets = new Set<number>();
    for (let port = 0; port < 1024; port++) buckets.add(hashWords(0xc0000001 | 0, 0xcb00710a | 0, (port << 16) | 443, 6) & 2047);
    expect(buckets.size).toBeGreaterThan(700); // about 2048 × (1 − e^(−1/2)) ≈ 806 if uniform
  });
});

// A short fuzz run on every `npm test` (the full million is `npm run fuzz`).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformanceDir } from '../conformance/jool-corpus.js';
import { fuzz, loadSeeds } from './fuzzer.js';

describe('translator fuzz', () => {
  it('translates 50,000 random and mutated packets without throwing, each result well-formed or a verdict', () => {
    const seeds = loadSeeds(join(conformanceDir(), 'jool-siit'));
    const seed = Number(process.env.CLATTER_FUZZ_SEED ?? 20261126) >>> 0;
    const stats = fuzz(seeds, 50_000, seed);
    expect(stats.failures).toEqual([]);
    expect(stats.packets).toBe(50_000);
    // The mutations must still reach the translation paths, not only the early drops.
    expect(stats.translated).toBeGreaterThan(5_000);
  });
});

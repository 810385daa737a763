// Issue 14's evidence: for every packet of the Jool corpus and for the fuzzer's packets, the
// explanation (core/xlat/explain.ts: the translator re-run in its recording mode) rebuilds, byte
// for byte, what the translator wrote on its packet path (no recorder), and names every bit of
// both packets. Fails with the case and what differed.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSiitConfig, type SiitConfig } from '../../core/xlat/config.js';
import { explainTranslation } from '../../core/xlat/explain.js';
import { XlatOutput } from '../../core/xlat/output.js';
import { Translator } from '../../core/xlat/translator.js';
import { Verdict } from '../../core/xlat/verdict.js';
import { explainRecordedPair } from '../../core/observe/explain-pair.js';
import { TraceRing } from '../../core/observe/trace-ring.js';
import { fuzz, loadSeeds } from '../fuzz/fuzzer.js';
import { checkExplanation } from './explanation-check.js';
import { conformanceDir, loadJoolCases, readPacket, toSiitConfig } from './jool-corpus.js';

/** What the packet path writes for `input`, from a fresh translator (the re-run's is fresh too). */
function packetPath(config: SiitConfig, input: Uint8Array): { verdict: number; outputs: Uint8Array[] } {
  const out = new XlatOutput();
  const verdict = new Translator(config).translate(input, out);
  const outputs: Uint8Array[] = [];
  for (let i = 0; i < out.count; i++) outputs.push(out.packet(i).slice());
  return { verdict, outputs };
}

interface Tally { checked: number; translated: number; refused: number; generated: number; hairpinned: number }

/** Problems for one packet; counts what kind it was. */
function evidence(config: SiitConfig, input: Uint8Array, tally: Tally): string[] {
  const real = packetPath(config, input);
  const { explanation, verdict } = explainTranslation(config, input);
  if (verdict !== real.verdict) return [`re-run verdict ${verdict}, packet path ${real.verdict}`];
  tally.checked++;
  if (explanation.steps.length === 1 && explanation.steps[0].cite === 'RFC 7757 §4') {
    tally.hairpinned++;
    return [];
  }
  if (verdict === Verdict.translated) tally.translated++;
  else tally.refused++;
  if (explanation.generated !== null) tally.generated++;
  const problems = checkExplanation(explanation, input, real.outputs, { inputCoverage: verdict === Verdict.translated });
  if (verdict !== Verdict.translated && explanation.refusal === null) problems.push(`verdict ${explanation.verdict} without a refusal step`);
  if (verdict !== Verdict.translated && explanation.refusal !== null && explanation.refusal.from === null && input.length >= 4) {
    problems.push(`refusal ${explanation.verdict} names no field`);
  }
  return problems;
}

function hex(bytes: Uint8Array): string {
  return `${Buffer.from(bytes.subarray(0, 64)).toString('hex')}${bytes.length > 64 ? `… (${bytes.length} bytes)` : ''}`;
}

describe('explanations agree with the translator', () => {
  it('for every packet of the Jool SIIT corpus', () => {
    const tally: Tally = { checked: 0, translated: 0, refused: 0, generated: 0, hairpinned: 0 };
    const failures: string[] = [];
    for (const c of loadJoolCases()) {
      const parsed = parseSiitConfig(toSiitConfig(c.config));
      if (!parsed.ok) throw new Error(`case ${c.n}: ${parsed.error}`);
      for (const file of c.send) {
        const problems = evidence(parsed.config, readPacket(file), tally);
        if (problems.length > 0) failures.push(`case ${c.n} ${file}: ${problems.slice(0, 3).join('; ')}`);
      }
    }
    process.stdout.write(`explained the Jool corpus: ${JSON.stringify(tally)}\n`);
    expect(failures).toEqual([]);
    expect(tally.translated).toBeGreaterThan(80);
    expect(tally.generated).toBeGreaterThan(5);
  });

  it('for every packet of the corpus as the engine records it: cut to 128 bytes, re-run, no mismatch', () => {
    // The trace ring keeps 128 bytes of each packet; the re-run (core/observe/explain-pair.ts)
    // must still agree with the recorded twin, or say where it does not.
    const mismatches: string[] = [];
    let snapped = 0;
    for (const c of loadJoolCases()) {
      const parsed = parseSiitConfig(toSiitConfig(c.config));
      if (!parsed.ok) throw new Error(`case ${c.n}: ${parsed.error}`);
      for (const file of c.send) {
        const input = readPacket(file);
        const ring = new TraceRing({ capacity: 1 });
        const out = new XlatOutput();
        const id = ring.record(input, 0, input.length, new Translator(parsed.config).translate(input, out), out, 0);
        const pair = ring.pair(id)!;
        if (pair.input.bytes.length < input.length) snapped++;
        const explanation = explainRecordedPair(pair, [parsed.config]);
        if (explanation.mismatch !== null) mismatches.push(`case ${c.n} ${file}: ${explanation.mismatch}`);
        expect(explanation.verdict).toBe(pair.verdict);
      }
    }
    expect(mismatches).toEqual([]);
    expect(snapped).toBeGreaterThan(40);
  });

  it('for 20,000 fuzzed packets, translated or refused', () => {
    const tally: Tally = { checked: 0, translated: 0, refused: 0, generated: 0, hairpinned: 0 };
    const failures: string[] = [];
    const seeds = loadSeeds(join(conformanceDir(), 'jool-siit'));
    const ring = new TraceRing({ capacity: 1 });
    let recordedMismatches = 0;
    fuzz(seeds, 20_000, 20261206, undefined, (input, config, verdict, out) => {
      if (failures.length >= 10) return;
      const problems = evidence(config, input, tally);
      // As the engine would hold it (cut to 128 bytes): explained without throwing, and either
      // agreeing with the recorded twin or saying it does not.
      const pair = ring.pair(ring.record(input, 0, input.length, verdict, out, 0))!;
      const recorded = explainRecordedPair(pair, [config]);
      if (recorded.mismatch !== null) recordedMismatches++;
      else if (recorded.verdict !== pair.verdict) problems.push(`recorded pair: verdict ${recorded.verdict}, recorded ${pair.verdict}, and no mismatch said`);
      if (problems.length > 0) failures.push(`${problems.slice(0, 3).join('; ')}; input ${hex(input)}`);
    });
    process.stdout.write(`fuzzed packets recorded and re-run: ${recordedMismatches} said to differ from their twin\n`);
    // Those that differ are hairpins (two passes, an intermediate counter) and headers cut by the
    // snap length: a handful, not a habit.
    expect(recordedMismatches).toBeLessThan(20);
    process.stdout.write(`explained fuzzed packets: ${JSON.stringify(tally)}\n`);
    expect(failures).toEqual([]);
    expect(tally.translated).toBeGreaterThan(2_000);
    expect(tally.generated).toBeGreaterThan(100);
  });
});

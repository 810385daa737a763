// `npm run fuzz`: the full fuzz run (1,000,000 packets by default), with progress and a summary
// of verdicts. Options: --packets N, --seed N. Exits 1 on any failure, printing the input.

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { verdictNames } from '../../core/xlat/verdict.js';
import { conformanceDir } from '../conformance/jool-corpus.js';
import { fuzz, loadSeeds } from './fuzzer.js';

const { values } = parseArgs({
  options: { packets: { type: 'string', default: '1000000' }, seed: { type: 'string', default: String(Date.now() >>> 0) } },
});
const packets = Number(values.packets);
const seed = Number(values.seed) >>> 0;
const seeds = loadSeeds(join(conformanceDir(), 'jool-siit'));
process.stderr.write(`fuzzing ${packets} packets, seed ${seed}, ${seeds.length} corpus seeds\n`);
const started = Date.now();
const stats = fuzz(seeds, packets, seed, (done) => {
  process.stderr.write(`  ${done} packets (${Math.round((done / packets) * 100)}%)\n`);
});
const seconds = (Date.now() - started) / 1000;
process.stdout.write(`${stats.packets} packets in ${seconds.toFixed(1)} s: ${stats.translated} translated, ${stats.outputs} packets out\n`);
stats.byVerdict.forEach((count, verdict) => {
  if (count > 0) process.stdout.write(`  ${verdictNames[verdict].padEnd(28)} ${count}\n`);
});
if (stats.failures.length > 0) {
  process.stdout.write(`FAILURES (rerun with --seed ${seed}):\n${stats.failures.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`no exception, every result well-formed or a counted verdict (seed ${seed})\n`);

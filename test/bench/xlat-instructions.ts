// `npm run bench:xlat-instructions`: machine instructions per translated packet, counted by
// Valgrind's callgrind, for the rows of bench:xlat. A count does not depend on the load of the
// machine, so two builds can be told apart by 1 % where timings on a shared VM vary by ±10 %; it
// does not see cache misses or branch mispredictions, which is what bench:xlat is for.
//
// Each row runs a child under callgrind twice (callgrind.ts says how, and why the counts repeat).
// Needs `valgrind` (Debian package valgrind); each row takes about half a minute.
//
// Options: --baseline DIR (another build's `dist`: both counts and the change), --json.

import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatChange } from './bench-turns.js';
import { instructionsPerPacket, requireValgrind } from './callgrind.js';
import { benchTranslator, loadBuild, rows, thisBuild, type Direction } from './xlat-bench-build.js';

/** The child: warm up, then translate `packets` packets of the row in `build`'s translator. */
async function child(buildDir: string | undefined, direction: Direction, size: number, packets: number): Promise<void> {
  const build = buildDir === undefined ? thisBuild : await loadBuild(buildDir);
  const translate = benchTranslator(build, direction, size);
  if (translate(50_000) !== 0 || translate(packets) !== 0) throw new Error('a benchmark packet was not translated');
}

/** The arguments that start this script as a callgrind child for one row of one build. */
function childArgs(buildDir: string | undefined, direction: Direction, size: number): (packets: number) => string[] {
  return (packets) => [fileURLToPath(import.meta.url), '--child', `${direction}/${size}/${packets}`, ...(buildDir === undefined ? [] : ['--build', buildDir])];
}

interface Row {
  direction: Direction;
  packetBytes: number;
  instructionsPerPacket: number;
  baselineInstructionsPerPacket?: number;
  /** this / baseline, less one: +0.016 is 1.6 % more instructions than the baseline. */
  change?: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { baseline: { type: 'string' }, json: { type: 'boolean', default: false }, child: { type: 'string' }, build: { type: 'string' } },
  });
  if (values.child !== undefined) {
    const [direction, size, packets] = values.child.split('/');
    await child(values.build, direction as Direction, Number(size), Number(packets));
    return;
  }
  await requireValgrind();
  const baseline = values.baseline;
  if (!values.json) {
    process.stdout.write(`Translator instructions per packet (callgrind, node ${process.version})${baseline === undefined ? '' : `, against ${baseline}`}\n`);
    process.stdout.write(baseline === undefined ? 'dir  bytes  instructions\n' : 'dir  bytes  baseline  this  change\n');
  }
  const results: Row[] = [];
  for (const { direction, size } of rows) {
    const row: Row = { direction, packetBytes: size, instructionsPerPacket: await instructionsPerPacket(childArgs(undefined, direction, size)) };
    if (baseline !== undefined) {
      row.baselineInstructionsPerPacket = await instructionsPerPacket(childArgs(baseline, direction, size));
      row.change = Number((row.instructionsPerPacket / row.baselineInstructionsPerPacket - 1).toFixed(4));
    }
    results.push(row);
    if (values.json) continue;
    const first = `${direction}   ${String(size).padStart(5)}`;
    if (row.change === undefined) {
      process.stdout.write(`${first}  ${String(row.instructionsPerPacket).padStart(12)}\n`);
    } else {
      process.stdout.write(`${first}  ${String(row.baselineInstructionsPerPacket).padStart(8)}  ${String(row.instructionsPerPacket).padStart(4)}  ${formatChange(row.change).padStart(7)}\n`);
    }
  }
  if (values.json) process.stdout.write(`${JSON.stringify({ node: process.version, baseline, results }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:xlat-instructions: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});

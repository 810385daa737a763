// Machine instructions per packet of a benchmark loop, counted by Valgrind's callgrind (the
// benchmarks' instruction modes). A count does not depend on the load of the machine, so two builds
// can be told apart by 1 % where timings on a shared VM vary by ±10 %; it does not see cache misses
// or branch mispredictions, which is what the timed benchmarks are for.
//
// A benchmark script runs itself as a child under callgrind twice, handling 200,000 and then
// 600,000 packets after the same warm-up; the difference divided by 400,000 is the count per
// packet, free of start-up and JIT compilation. The child runs V8 single-threaded and predictable
// (`--single-threaded --predictable`), so that the same build compiles the same code in every run
// (±0.5 % between runs). Needs `valgrind` (Debian package valgrind).

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The packet counts of the two child runs. */
export const fewerPackets = 200_000;
export const morePackets = 600_000;

/** Throws a clear error when valgrind is not installed. */
export async function requireValgrind(): Promise<void> {
  try {
    await run('valgrind', ['--version']);
  } catch {
    throw new Error('valgrind is not installed (Debian: apt install valgrind)');
  }
}

/** Instructions callgrind counted for one run of node with `args` (a script and its options). */
async function countInstructions(args: readonly string[]): Promise<number> {
  const { stderr } = await run('valgrind', [
    '--tool=callgrind', '--callgrind-out-file=/dev/null', '--smc-check=all-non-file',
    process.execPath, '--single-threaded', '--predictable', ...args,
  ], { maxBuffer: 16 << 20 });
  const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  if (refs === null) throw new Error(`callgrind printed no instruction count:\n${stderr.slice(-2000)}`);
  return Number(refs[1].replaceAll(',', ''));
}

/** Instructions per packet of the child `childArgs(packets)` starts, from its two runs. */
export async function instructionsPerPacket(childArgs: (packets: number) => readonly string[]): Promise<number> {
  const fewer = await countInstructions(childArgs(fewerPackets));
  const more = await countInstructions(childArgs(morePackets));
  return Math.round((more - fewer) / (morePackets - fewerPackets));
}

// The translator under test in the benchmarks bench:xlat and bench:xlat-instructions: one UDP
// packet each way (the CLAT configuration: pool6 2001:db8:64::/96, 192.0.0.1 ↔ the CLAT's IPv6
// address) and a loop that translates it, for this build or for another build's `dist` (--baseline).

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { protocol } from '../../core/wire/protocol.js';
import * as configModule from '../../core/xlat/config.js';
import * as outputModule from '../../core/xlat/output.js';
import * as translatorModule from '../../core/xlat/translator.js';
import { Verdict, verdictNames } from '../../core/xlat/verdict.js';
import { clatConfig, writeBenchIpv4, writeBenchIpv6 } from './bench-packets.js';
import type { PacketLoop } from './bench-turns.js';

export type Direction = '46' | '64';

/** The rows every translator benchmark measures. */
export const rows: ReadonlyArray<{ direction: Direction; size: number }> = (['46', '64'] as const).flatMap((direction) =>
  [64, 512, 1500].map((size) => ({ direction, size })));

/** The modules of one build of the translator: this one, or the --baseline. */
export interface Build {
  parseSiitConfig: typeof configModule.parseSiitConfig;
  outputBufferBytes: typeof outputModule.outputBufferBytes;
  XlatOutput: typeof outputModule.XlatOutput;
  Translator: typeof translatorModule.Translator;
}

export const thisBuild: Build = { ...configModule, ...outputModule, ...translatorModule };

export async function loadBuild(dir: string): Promise<Build> {
  const load = (file: string): Promise<Record<string, unknown>> => import(pathToFileURL(resolve(dir, 'core/xlat', file)).href);
  const [config, output, translator] = await Promise.all([load('config.js'), load('output.js'), load('translator.js')]);
  return { ...config, ...output, ...translator } as unknown as Build;
}

/** One translator of `build` with the input at the arena's start and the output after it. */
export function benchTranslator(build: Build, direction: Direction, size: number): PacketLoop {
  const config = build.parseSiitConfig(clatConfig);
  if (!config.ok) throw new Error(config.error);
  const inputRegion = 4096;
  const arena = new Uint8Array(inputRegion + build.outputBufferBytes(0));
  const out = new build.XlatOutput(arena, 0, inputRegion);
  const translator = new build.Translator(config.config);
  const packet = { protocol: protocol.udp, size, localPort: 40000 };
  if (direction === '46') writeBenchIpv4(arena, 0, packet);
  else writeBenchIpv6(arena, 0, packet);
  const first = translator.translateAt(arena, 0, size, out);
  if (first !== Verdict.translated) throw new Error(`benchmark packet not translated: ${verdictNames[first]}`);
  return packetLoop(translator, arena, size, out);
}

type PacketLoopFactory = (translator: unknown, arena: Uint8Array, size: number, out: unknown) => PacketLoop;

/**
 * A loop that translates the packet `count` times and answers how many were not translated. Each
 * build gets a loop compiled on its own: closures of one function literal share V8's type feedback,
 * so one loop for both builds would see two Translator classes and be slower for both.
 */
function packetLoop(translator: unknown, arena: Uint8Array, size: number, out: unknown): PacketLoop {
  const factory = new Function('translator', 'arena', 'size', 'out', `
    return (count) => {
      let failures = 0;
      for (let i = 0; i < count; i++) failures += translator.translateAt(arena, 0, size, out);
      return failures;
    };`) as PacketLoopFactory;
  return factory(translator, arena, size, out);
}

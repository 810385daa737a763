// The translator under test in the benchmarks bench:xlat and bench:xlat-instructions: one UDP
// packet each way (the CLAT configuration: pool6 2001:db8:64::/96, 192.0.0.1 ↔ the CLAT's IPv6
// address) and a loop that translates it, for this build or for another build's `dist` (--baseline).

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { finishChecksum, sumWords } from '../../core/wire/checksum.js';
import { write16, write32 } from '../../core/wire/bytes.js';
import { parseIpv6 } from '../../core/wire/address.js';
import * as configModule from '../../core/xlat/config.js';
import * as outputModule from '../../core/xlat/output.js';
import * as translatorModule from '../../core/xlat/translator.js';
import { Verdict, verdictNames } from '../../core/xlat/verdict.js';

export type Direction = '46' | '64';

/** The rows every translator benchmark measures. */
export const rows: ReadonlyArray<{ direction: Direction; size: number }> = (['46', '64'] as const).flatMap((direction) =>
  [64, 512, 1500].map((size) => ({ direction, size })));

const clatIpv6 = '2001:db8:1:2::c1a7';

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
export function benchTranslator(build: Build, direction: '46' | '64', size: number): (count: number) => number {
  const config = build.parseSiitConfig({
    pool6: '2001:db8:64::/96',
    eamt: [{ ipv6: `${clatIpv6}/128`, ipv4: '192.0.0.1/32' }],
    selfIpv4: '192.0.0.2',
    selfIpv6: '2001:db8:1:2::1',
    // 1500-byte IPv4 packets become 1520-byte IPv6 packets: give the IPv6 side room for them.
    mtu: { ipv4: 1500, ipv6: 1520 },
  });
  if (!config.ok) throw new Error(config.error);
  const inputRegion = 4096;
  const arena = new Uint8Array(inputRegion + build.outputBufferBytes(0));
  const out = new build.XlatOutput(arena, 0, inputRegion);
  const translator = new build.Translator(config.config);
  if (direction === '46') writeUdp4(arena, 0, size);
  else writeUdp6(arena, 0, size);
  const first = translator.translateAt(arena, 0, size, out);
  if (first !== Verdict.translated) throw new Error(`benchmark packet not translated: ${verdictNames[first]}`);
  return packetLoop(translator, arena, size, out);
}

type PacketLoopFactory = (translator: unknown, arena: Uint8Array, size: number, out: unknown) => (count: number) => number;

/**
 * A loop that translates the packet `count` times and answers how many were not translated. Each
 * build gets a loop compiled on its own: closures of one function literal share V8's type feedback,
 * so one loop for both builds would see two Translator classes and be slower for both.
 */
function packetLoop(translator: unknown, arena: Uint8Array, size: number, out: unknown): (count: number) => number {
  const factory = new Function('translator', 'arena', 'size', 'out', `
    return (count) => {
      let failures = 0;
      for (let i = 0; i < count; i++) failures += translator.translateAt(arena, 0, size, out);
      return failures;
    };`) as PacketLoopFactory;
  return factory(translator, arena, size, out);
}

/** A UDP/IPv4 packet of `size` bytes from the CLAT host to 203.0.113.10, written at `at`. */
function writeUdp4(arena: Uint8Array, at: number, size: number): void {
  arena.fill(0, at, at + size);
  arena[at] = 0x45;
  write16(arena, at + 2, size);
  write16(arena, at + 6, 0x4000);
  arena[at + 8] = 64;
  arena[at + 9] = 17;
  write32(arena, at + 12, 0xc0000001); // 192.0.0.1
  write32(arena, at + 16, 0xcb00710a); // 203.0.113.10
  write16(arena, at + 10, finishChecksum(sumWords(arena, at, at + 20)));
  const u = at + 20;
  write16(arena, u, 40000);
  write16(arena, u + 2, 5060);
  write16(arena, u + 4, size - 20);
  for (let i = u + 8; i < at + size; i++) arena[i] = i & 0xff;
  let sum = sumWords(arena, at + 12, at + 20) + 17 + (size - 20);
  sum = sumWords(arena, u, at + size, sum);
  write16(arena, u + 6, finishChecksum(sum));
}

/** The IPv6 reply direction: 2001:db8:64::cb00:710a → the CLAT address, `size` bytes in total. */
function writeUdp6(arena: Uint8Array, at: number, size: number): void {
  arena.fill(0, at, at + size);
  write32(arena, at, 0x60000000);
  write16(arena, at + 4, size - 40);
  arena[at + 6] = 17;
  arena[at + 7] = 64;
  arena.set(parseIpv6('2001:db8:64::cb00:710a')!, at + 8);
  arena.set(parseIpv6(clatIpv6)!, at + 24);
  const u = at + 40;
  write16(arena, u, 5060);
  write16(arena, u + 2, 40000);
  write16(arena, u + 4, size - 40);
  for (let i = u + 8; i < at + size; i++) arena[i] = i & 0xff;
  let sum = sumWords(arena, at + 8, at + 40) + 17 + (size - 40);
  sum = sumWords(arena, u, at + size, sum);
  write16(arena, u + 6, finishChecksum(sum));
}


// The Jool SIIT corpus, case by case. Every case must pass, or be listed in `deviations` with the
// reason we differ; a listed case that starts passing fails too, so the list stays true.

import { describe, expect, it, afterAll } from 'vitest';
import { parseSiitConfig } from '../../core/xlat/config.js';
import { XlatOutput } from '../../core/xlat/output.js';
import { Translator } from '../../core/xlat/translator.js';
import { verdictNames } from '../../core/xlat/verdict.js';
import { loadJoolCases, readPacket, toSiitConfig, type JoolCase } from './jool-corpus.js';

/** Groups the issue requires to pass (case numbers). */
const required = new Set<number>();
for (const [from, to] of [[1, 42], [48, 53], [60, 66], [84, 87], [91, 92], [94, 95]]) {
  for (let n = from; n <= to; n++) required.add(n);
}

/** Cases where Clatter deliberately differs from Jool, with the reason. */
const deviations = new Map<number, string>([
  [68, 'Fragmentation Needed for a DF fragment: Jool advertises 1260, Clatter 1252, because the translated '
    + 'fragment carries an 8-byte Fragment header and a 1260-byte fragment would still not fit the 1280-byte '
    + 'IPv6 link (RFC 7915 §5.2 and §6 count the Fragment header)'],
  [99, 'RFC 4884 §5.1: Clatter zero-pads the embedded packet up to the next 64-bit boundary; Jool cuts it '
    + 'down to the previous one, losing bytes of the quoted packet'],
  [100, 'as case 99: padded up to the 64-bit boundary instead of cut down'],
]);

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Runs one case; returns undefined on a match, or what differed. */
function runCase(c: JoolCase): string | undefined {
  const parsed = parseSiitConfig(toSiitConfig(c.config));
  if (!parsed.ok) return `config rejected: ${parsed.error}`;
  const translator = new Translator(parsed.config);
  const out = new XlatOutput();
  const produced: { family: number; generated: number; bytes: Uint8Array }[] = [];
  let verdicts = '';
  for (const file of c.send) {
    const verdict = translator.translate(readPacket(file), out);
    verdicts += `${verdictNames[verdict]} `;
    for (let i = 0; i < out.count; i++) {
      produced.push({ family: out.family[i], generated: out.generated[i], bytes: out.packet(i).slice() });
    }
  }
  const wantFamily = c.direction.endsWith('6') ? 6 : 4;
  // 66/44: the answer leaves by the side the packet came in: a generated error, or a hairpinned
  // translation (RFC 7757 §4), so only translations in 46/64 have a fixed `generated` flag.
  const checkGenerated = c.direction === '46' || c.direction === '64';
  if (produced.length !== c.expect.length) {
    return `verdict ${verdicts.trim()}: ${produced.length} packets out, expected ${c.expect.length}`;
  }
  const ignored = new Set(c.ignore_byte_offsets);
  for (let k = 0; k < produced.length; k++) {
    const got = produced[k];
    const want = readPacket(c.expect[k]);
    if (got.family !== wantFamily || (checkGenerated && got.generated !== 0)) {
      return `packet ${k + 1} left by the IPv${got.family} side (generated ${got.generated}), expected a translation on the IPv${wantFamily} side`;
    }
    if (got.bytes.length !== want.length) return `packet ${k + 1}: ${got.bytes.length} bytes, expected ${want.length}`;
    const differ: number[] = [];
    for (let i = 0; i < want.length; i++) if (!ignored.has(i) && got.bytes[i] !== want[i]) differ.push(i);
    if (differ.length > 0) {
      const at = differ[0];
      return `packet ${k + 1}: ${differ.length} bytes differ, first at ${at} (got ${hex(got.bytes.subarray(at, at + 8))}, expected ${hex(want.subarray(at, at + 8))}); offsets ${differ.slice(0, 12).join(',')}`;
    }
  }
  return undefined;
}

describe('Jool SIIT corpus', () => {
  const cases = loadJoolCases();
  const report: string[] = [];
  afterAll(() => {
    process.stdout.write(`\nJool SIIT corpus, ${cases.length} cases:\n${report.join('\n')}\n`);
  });
  for (const c of cases) {
    const label = `case ${c.n} ${c.group} ${c.direction} ${c.send.join('+')}`;
    it(label, () => {
      const failure = runCase(c);
      const deviation = deviations.get(c.n);
      if (failure === undefined) {
        report.push(`  ${String(c.n).padStart(3)} pass         ${c.group} ${c.send.join('+')}`);
        expect(deviation, `case ${c.n} passes: remove it from the deviations`).toBeUndefined();
        return;
      }
      if (deviation !== undefined && !required.has(c.n)) {
        report.push(`  ${String(c.n).padStart(3)} deviates     ${c.group} ${c.send.join('+')}: ${deviation} (${failure})`);
        return;
      }
      report.push(`  ${String(c.n).padStart(3)} FAIL         ${c.group} ${c.send.join('+')}: ${failure}`);
      expect.fail(failure);
    });
  }
});

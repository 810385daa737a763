// `clatter explain PAIR [--json] [--socket PATH]`: one pair of the trace ring explained field by
// field (the engine re-runs the translator on it with the configuration of its time): what became
// of each header field, by which rule. Pair numbers are those `clatter trace` prints (#1234).

import { formatTracePair } from '../wire/describe-packet.js';
import { decodeBase64 } from '../api/base64.js';
import type { Explanation } from '../api/explanation.js';
import type { TracePair } from '../observe/trace-pair.js';
import { defineCommand, ExitCode } from './command.js';
import { connectEngine } from './engine-session.js';
import { explanationLines } from './explanation-text.js';

const options = { socket: { type: 'string' }, json: { type: 'boolean' } } as const;

const help = `Usage: clatter explain PAIR [--json] [--socket PATH]

Explains one translation the engine still holds in its trace ring (PAIR is the number
\`clatter trace\` prints, e.g. 1234 or #1234): the translator runs again on the recorded packet
with the configuration that was in force, and says what it did to every header field, one line
per field, e.g.
  Time to Live 64 → Hop Limit 63                             decremented  RFC 7915 §4.1
  Destination Address 203.0.113.10 → 2001:db8:64::cb00:710a (IPv4 in bytes 12–15)
                                                             mapped       RFC 6052 §2.2
A refused packet says which rule refused it and which field decided; an ICMP error the CLAT
sent back says why and what it quotes; \`quoted\` marks the packet inside an ICMP error.

  --json           the explanation as JSON (core/api/explanation.ts)
  --socket PATH    the engine's control socket (default: $CLATTER_SOCKET or /run/clatter/engine.sock)
  -h, --help       show this help

Exit status: 0 explained, 1 the engine could not (the pair has left the ring), 2 usage.
`;

/** The explanation's packets as trace lines (the pair it explains). */
export function explainedPairLines(explanation: Explanation): string[] {
  const packet = (p: Explanation['input']) => ({ family: p.family, length: p.length, bytes: decodeBase64(p.bytes) ?? new Uint8Array(0) });
  const pair: TracePair = {
    id: explanation.pairId, atMs: 0, direction: explanation.direction, verdict: explanation.verdict,
    generated: explanation.generated !== null, flowId: -1, outputCount: explanation.outputs.length,
    input: packet(explanation.input), output: explanation.outputs.length === 0 ? null : packet(explanation.outputs[0]),
  };
  return formatTracePair(pair);
}

export function parsePairNumber(text: string): number | null {
  const digits = text.startsWith('#') ? text.slice(1) : text;
  if (!/^\d{1,15}$/.test(digits)) return null;
  const n = Number(digits);
  return n >= 1 ? n : null;
}

export const explainCommand = defineCommand({
  name: 'explain',
  summary: 'explain one traced pair field by field, with the rule behind each change',
  help,
  options,
  maxPositionals: 1,
  async run({ values, positionals, io, fail }) {
    if (positionals.length !== 1) return fail('give one pair number (see clatter explain --help)', ExitCode.usage);
    const pairId = parsePairNumber(positionals[0]);
    if (pairId === null) return fail(`"${positionals[0]}" is not a pair number`, ExitCode.usage);
    const client = await connectEngine('explain', values.socket, io);
    if (client === null) return ExitCode.failure;
    try {
      const answer = await client.call('explain', { pairId });
      if (!answer.ok) return fail(answer.error.message);
      if (values.json) io.stdout(`${JSON.stringify(answer.result, null, 2)}\n`);
      else io.stdout(`${[...explainedPairLines(answer.result), ...explanationLines(answer.result)].join('\n')}\n`);
      return ExitCode.ok;
    } finally {
      client.close();
    }
  },
});

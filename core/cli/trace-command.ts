// `clatter trace [--json] [--filter SPEC] [--rate N] [--count N]`: the CLAT's packets live, each
// pair as two tcpdump-style lines, the packet as it came in and its twin as it left, linked by the
// pair's number. The stream is bounded by --rate; what the bound leaves out is said, not hidden.

import type { TraceFilterSpec } from '../api/messages.js';
import type { Explanation } from '../api/explanation.js';
import { tracePairFromJson, type TracePairJson } from '../api/trace-wire.js';
import type { EngineClient } from '../client/engine-client.js';
import { formatTracePair } from '../wire/describe-packet.js';
import { defineCommand, ExitCode, parsePort } from './command.js';
import { connectEngine } from './engine-session.js';
import { explanationLines } from './explanation-text.js';

const options = {
  socket: { type: 'string' },
  json: { type: 'boolean' },
  filter: { type: 'string' },
  rate: { type: 'string' },
  count: { type: 'string' },
  explain: { type: 'boolean' },
} as const;

const help = `Usage: clatter trace [--explain] [--json] [--filter SPEC] [--rate N] [--count N] [--socket PATH]

Prints the CLAT's packets as they pass, until interrupted: each translated packet and its twin,
e.g.
  #1234 v4 192.0.0.1.51514 > 203.0.113.10.80: Flags [S], …
  #1234 v6 2001:db8:1:2::c1a7.51514 > 2001:db8:64::cb00:710a.80: Flags [S], …

  --filter SPEC    only pairs matching all of: proto=tcp|udp|icmp|other, host=ADDRESS, port=N,
                   program=NAME (comma-separated, e.g. proto=tcp,port=80)
  --rate N         at most N pairs a second (default 200); the rest are counted as skipped
  --count N        stop after N pairs
  --explain        under each pair, what the translator did to each header field and by which
                   rule, one line per field (as \`clatter explain PAIR\` prints it)
  --json           one JSON object per pair (bytes in base64); with --explain, the pair's
                   explanation in its "explanation" field
  --socket PATH    the engine's control socket (default: $CLATTER_SOCKET or /run/clatter/engine.sock)
  -h, --help       show this help
`;

/** `proto=tcp,host=…,port=…,program=…` → a filter, or the error. */
export function parseFilterSpec(text: string): { ok: true; filter: TraceFilterSpec } | { ok: false; error: string } {
  const filter: { -readonly [K in keyof TraceFilterSpec]: TraceFilterSpec[K] } = {};
  for (const part of text.split(',')) {
    const [key, value, ...rest] = part.split('=');
    if (value === undefined || value === '' || rest.length > 0) return { ok: false, error: `--filter: "${part}" is not key=value` };
    switch (key.trim()) {
      case 'proto':
      case 'protocol':
        if (value !== 'tcp' && value !== 'udp' && value !== 'icmp' && value !== 'other') return { ok: false, error: '--filter: proto must be tcp, udp, icmp or other' };
        filter.protocol = value;
        break;
      case 'host':
        filter.host = value;
        break;
      case 'port': {
        const port = parsePort(value);
        if (port === null) return { ok: false, error: `--filter: port "${value}" is not a port number` };
        filter.port = port;
        break;
      }
      case 'program':
        filter.program = value;
        break;
      default:
        return { ok: false, error: `--filter: unknown key "${key}" (proto, host, port, program)` };
    }
  }
  return { ok: true, filter };
}

function positive(text: string | undefined, name: string): number | undefined | string {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : `--${name} must be a positive whole number`;
}

export const traceCommand = defineCommand({
  name: 'trace',
  summary: 'print the translated packets live, each with its twin',
  help,
  options,
  async run({ values, io, fail }) {
    const rate = positive(values.rate, 'rate');
    const count = positive(values.count, 'count');
    if (typeof rate === 'string') return fail(rate, ExitCode.usage);
    if (typeof count === 'string') return fail(count, ExitCode.usage);
    let filter: TraceFilterSpec | undefined;
    if (values.filter !== undefined) {
      const spec = parseFilterSpec(values.filter);
      if (!spec.ok) return fail(spec.error, ExitCode.usage);
      filter = spec.filter;
    }
    let printed = 0;
    let finish: (code: number) => void = () => {};
    const done = new Promise<number>((resolve) => (finish = resolve));
    // With --explain each pair waits for its explanation (a call to the engine): the output keeps
    // the stream's order by chaining the writes.
    let writing: Promise<void> = Promise.resolve();
    const explain = async (json: TracePairJson): Promise<{ explanation?: Explanation; failure?: string }> => {
      if (!values.explain || client === null) return {};
      const answer = await client.call('explain', { pairId: json.id });
      return answer.ok ? { explanation: answer.result } : { failure: answer.error.message };
    };
    const show = (json: TracePairJson, explained: { explanation?: Explanation; failure?: string }): void => {
      if (values.json) {
        const extra = explained.explanation !== undefined ? { explanation: explained.explanation } : explained.failure !== undefined ? { explanationError: explained.failure } : {};
        io.stdout(`${JSON.stringify({ ...json, ...extra })}\n`);
        return;
      }
      const program = json.program === null ? '' : `  [${json.program.name}${json.program.pid === undefined ? '' : ` ${json.program.pid}`}]`;
      const lines = formatTracePair(tracePairFromJson(json)).map((line, i) => (i === 0 ? line + program : line));
      if (explained.explanation !== undefined) lines.push(...explanationLines(explained.explanation, '    '));
      if (explained.failure !== undefined) lines.push(`    (not explained: ${explained.failure})`);
      io.stdout(`${lines.join('\n')}\n`);
    };
    const client: EngineClient | null = await connectEngine('trace', values.socket, io, (event) => {
      if (event.event !== 'trace') return;
      for (const json of event.pairs) {
        if (count !== undefined && printed >= count) break;
        printed++;
        const explained = explain(json);
        writing = writing.then(async () => show(json, await explained));
      }
      if (event.skipped > 0 || event.lost > 0) {
        const note = [event.skipped > 0 ? `${event.skipped} pairs skipped (rate bound)` : '', event.lost > 0 ? `${event.lost} pairs lost (ring overwritten)` : ''].filter(Boolean).join(', ');
        writing = writing.then(() => {
          if (values.json) io.stdout(`${JSON.stringify({ skipped: event.skipped, lost: event.lost })}\n`);
          else io.stdout(`-- ${note}\n`);
        });
      }
      if (count !== undefined && printed >= count) void writing.then(() => finish(ExitCode.ok));
    });
    if (client === null) return ExitCode.failure;
    const stop = () => finish(ExitCode.ok);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const answer = await client.call('trace', { ...(filter !== undefined ? { filter } : {}), ...(rate !== undefined ? { perSecond: rate } : {}) });
      if (!answer.ok) return fail(answer.error.message, ExitCode.failure);
      return await done;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      client.close();
    }
  },
});

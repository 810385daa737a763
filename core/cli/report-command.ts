// `clatter report [--json|--csv|--md] [--socket PATH]`: the IPv4-dependency report — which programs
// reached which IPv4 addresses (and names) through the CLAT since the engine started, with bytes and
// first and last use. What still keeps this host from being IPv6-only.

import type { DependencyEntry } from '../observe/dependency-ledger.js';
import { defineCommand, ExitCode } from './command.js';
import { connectEngine } from './engine-session.js';
import { protocolText } from './observe-text.js';

const options = {
  socket: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  md: { type: 'boolean' },
} as const;

const help = `Usage: clatter report [--json | --csv | --md] [--socket PATH]

The IPv4-dependency report: every program that needed the CLAT, the IPv4 addresses (and DNS names)
it reached, the protocols, the bytes each way and when it was first and last seen, since the engine
started. Plain text by default.

  --json           the entries as JSON
  --csv            one row per program and address (RFC 4180)
  --md             a Markdown table
  --socket PATH    the engine's control socket (default: $CLATTER_SOCKET or /run/clatter/engine.sock)
  -h, --help       show this help
`;

const columns = ['program', 'executable', 'user', 'remote', 'name', 'protocols', 'flows', 'bytes_out', 'bytes_in', 'first_use', 'last_use'] as const;

function row(entry: DependencyEntry): string[] {
  return [
    entry.program,
    entry.executable ?? '',
    entry.user ?? '',
    entry.remote,
    entry.remoteName ?? '',
    entry.protocols.map(protocolText).join(' '),
    String(entry.flows),
    String(entry.bytes46),
    String(entry.bytes64),
    new Date(entry.firstUseMs).toISOString(),
    new Date(entry.lastUseMs).toISOString(),
  ];
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function format(entries: readonly DependencyEntry[], kind: 'text' | 'csv' | 'md'): string {
  const rows = entries.map(row);
  if (kind === 'csv') return [columns.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\r\n') + '\r\n';
  if (kind === 'md') {
    const escape = (text: string) => text.replaceAll('|', '\\|');
    return [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`)].join('\n') + '\n';
  }
  if (entries.length === 0) return 'no program has needed the CLAT since the engine started\n';
  return entries
    .map((e) => `${e.program}${e.user === null ? '' : ` (${e.user})`} → ${e.remote}${e.remoteName === null ? '' : ` (${e.remoteName})`}: ${e.protocols.map(protocolText).join('/')}, ${e.flows} flow${e.flows === 1 ? "" : "s"}, ${e.bytes46} B out, ${e.bytes64} B in, ${new Date(e.firstUseMs).toISOString()} – ${new Date(e.lastUseMs).toISOString()}`)
    .join('\n') + '\n';
}

export const reportCommand = defineCommand({
  name: 'report',
  summary: 'which programs and IPv4 addresses needed the CLAT (the IPv4-dependency report)',
  help,
  options,
  async run({ values, io, fail }) {
    if ([values.json, values.csv, values.md].filter(Boolean).length > 1) {
      io.stderr('clatter report: choose one of --json, --csv, --md\n');
      return ExitCode.usage;
    }
    const client = await connectEngine('report', values.socket, io);
    if (client === null) return ExitCode.failure;
    try {
      const answer = await client.call('report', {});
      if (!answer.ok) return fail(answer.error.message, ExitCode.failure);
      if (values.json) io.stdout(`${JSON.stringify(answer.result, null, 2)}\n`);
      else io.stdout(format(answer.result.entries, values.csv ? 'csv' : values.md ? 'md' : 'text'));
      return ExitCode.ok;
    } finally {
      client.close();
    }
  },
});

// `clatter export --out FILE.pcapng [--seconds N | --all]`: the trace ring as pcapng, one interface
// per side (named after the real interfaces), each packet commented with its twin and its program.
// The engine hands over the pairs; the file is written here, with the user's own rights.

import { exportResultToPcapng } from '../api/trace-wire.js';
import { defineCommand, ExitCode } from './command.js';
import { connectEngine } from './engine-session.js';
import { writeFileAtomically } from './write-file-atomically.js';

const options = {
  out: { type: 'string' },
  seconds: { type: 'string' },
  all: { type: 'boolean' },
  socket: { type: 'string' },
} as const;

const help = `Usage: clatter export --out FILE.pcapng [--seconds N | --all] [--socket PATH]

Writes the engine's recent paired traces as pcapng for Wireshark: the CLAT interface's IPv4
packets and the uplink's IPv6 packets as two interfaces, each packet with a comment naming its
twin and the program behind it. Packets are cut to the trace's snap length (128 bytes by default).

  --out FILE       the pcapng file to write (replaced whole, or not at all)
  --seconds N      only the last N seconds
  --all            everything the trace ring holds (the default)
  --socket PATH    the engine's control socket (default: $CLATTER_SOCKET or /run/clatter/engine.sock)
  -h, --help       show this help
`;

/** An export carries the whole ring: allow answers far larger than a command's. */
const exportMaxLineBytes = 256 << 20;

export const exportCommand = defineCommand({
  name: 'export',
  summary: 'write the recent paired traces as pcapng',
  help,
  options,
  async run({ values, io, fail }) {
    if (values.out === undefined) return fail('missing --out (see clatter export --help)', ExitCode.usage);
    if (values.all && values.seconds !== undefined) return fail('--seconds and --all exclude each other', ExitCode.usage);
    const seconds = values.seconds === undefined ? undefined : Number(values.seconds);
    if (seconds !== undefined && !(seconds > 0)) return fail('--seconds must be a positive number', ExitCode.usage);
    const client = await connectEngine('export', values.socket, io, undefined, exportMaxLineBytes);
    if (client === null) return ExitCode.failure;
    try {
      const answer = await client.call('export', seconds === undefined ? {} : { seconds });
      if (!answer.ok) return fail(answer.error.message, ExitCode.failure);
      const bytes = exportResultToPcapng(answer.result);
      const written = await writeFileAtomically(values.out, bytes);
      if (!written.ok) return fail(`cannot write ${values.out}: ${written.error}`, ExitCode.failure);
      return fail(`${answer.result.pairs.length} pairs written to ${values.out}`, ExitCode.ok);
    } finally {
      client.close();
    }
  },
});

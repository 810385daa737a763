// `clatter status [--json] [--socket PATH]`: what the engine's CLAT is doing.

import { ExitCode, parseCommandArgs, type Command, type CommandIo } from './command.js';
import { callEngine } from './engine-call.js';
import { formatStatus } from './status-text.js';

const options = { json: { type: 'boolean' }, socket: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

const help = `Usage: clatter status [--json] [--socket PATH]

Shows the CLAT's state (off, discovering, running, error with its cause), the uplink, the CLAT's
IPv4 and IPv6 addresses, the NAT64 prefix with its source and lifetime, the MTU and the counters.

  --json           the engine's status object as JSON
  --socket PATH    the engine's control socket (default: $CLATTER_SOCKET or /run/clatter/engine.sock)
  -h, --help       show this help
`;

export const statusCommand: Command = {
  name: 'status',
  summary: "show the CLAT's state, prefix, addresses and counters",
  help,
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    const parsed = parseCommandArgs(args, options);
    if (!parsed.ok) {
      io.stderr(`clatter status: ${parsed.error} (see clatter status --help)\n`);
      return ExitCode.usage;
    }
    if (parsed.values.help) {
      io.stdout(help);
      return ExitCode.ok;
    }
    const outcome = await callEngine('status', parsed.values.socket, 'status', {}, io);
    if (!outcome.ok) return outcome.exitCode;
    io.stdout(parsed.values.json ? `${JSON.stringify(outcome.result, null, 2)}\n` : formatStatus(outcome.result));
    return ExitCode.ok;
  },
};

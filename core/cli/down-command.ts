// `clatter down [--socket PATH]`: turn the CLAT off and undo every change it made to the host.

import { ExitCode, parseCommandArgs, type Command, type CommandIo } from './command.js';
import { callEngine } from './engine-call.js';
import { formatStatus } from './status-text.js';

const options = { socket: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

const help = `Usage: clatter down [--socket PATH] [--json]

Turns the CLAT off: stops translating and puts the host's network back exactly as it was.

  --socket PATH    the engine's control socket (default: $CLATTER_SOCKET or /run/clatter/engine.sock)
  --json           print the resulting status as JSON
  -h, --help       show this help
`;

export const downCommand: Command = {
  name: 'down',
  summary: 'turn the CLAT off and restore the host network',
  help,
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    const parsed = parseCommandArgs(args, options);
    if (!parsed.ok) {
      io.stderr(`clatter down: ${parsed.error} (see clatter down --help)\n`);
      return ExitCode.usage;
    }
    if (parsed.values.help) {
      io.stdout(help);
      return ExitCode.ok;
    }
    const outcome = await callEngine('down', parsed.values.socket, 'down', {}, io);
    if (!outcome.ok) return outcome.exitCode;
    io.stdout(parsed.values.json ? `${JSON.stringify(outcome.result, null, 2)}\n` : formatStatus(outcome.result));
    return ExitCode.ok;
  },
};

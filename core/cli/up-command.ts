// `clatter up [--uplink IF] [--prefix P] [--force] [--socket PATH]`: turn the CLAT on.

import { ExitCode, parseCommandArgs, type Command, type CommandIo } from './command.js';
import { callEngine } from './engine-call.js';
import { formatStatus } from './status-text.js';

const options = {
  uplink: { type: 'string' },
  prefix: { type: 'string' },
  force: { type: 'boolean' },
  socket: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const help = `Usage: clatter up [--uplink IF] [--prefix PREFIX] [--force] [--socket PATH] [--json]

Turns the CLAT on: finds the NAT64 prefix (Router Advertisement PREF64, then DNS64, then
--prefix), sets up the CLAT interface and starts translating.

  --uplink IF      the IPv6 uplink (default: the interface of the IPv6 default route)
  --prefix PREFIX  a NAT64 prefix to use when the network announces none (e.g. 2001:db8:64::/96)
  --force          take the IPv4 default route even though the host has native IPv4
  --socket PATH    the engine's control socket (default: $CLATTER_SOCKET or /run/clatter/engine.sock)
  --json           print the resulting status as JSON
  -h, --help       show this help
`;

export const upCommand: Command = {
  name: 'up',
  summary: 'turn the CLAT on',
  help,
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    const parsed = parseCommandArgs(args, options);
    if (!parsed.ok) {
      io.stderr(`clatter up: ${parsed.error} (see clatter up --help)\n`);
      return ExitCode.usage;
    }
    const { values } = parsed;
    if (values.help) {
      io.stdout(help);
      return ExitCode.ok;
    }
    const params = {
      ...(values.uplink !== undefined ? { uplink: values.uplink } : {}),
      ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
      ...(values.force ? { force: true } : {}),
    };
    const outcome = await callEngine('up', values.socket, 'up', params, io);
    if (!outcome.ok) return outcome.exitCode;
    io.stdout(values.json ? `${JSON.stringify(outcome.result, null, 2)}\n` : formatStatus(outcome.result));
    return ExitCode.ok;
  },
};

// The engine's client commands (`up`, `down`, `status`) share their shape: options, one call to
// the engine over its socket (--socket, CLATTER_SOCKET or the default path), and the resulting
// status printed for people or as JSON. A failure is the command's one-line error.

import type { Method, Methods } from '../api/messages.js';
import type { ClatStatus } from '../api/status.js';
import { EngineClient, socketPathFromEnv } from '../client/engine-client.js';
import { defineCommand, ExitCode, type Command, type OptionSpec, type OptionValues } from './command.js';
import { formatStatus } from './status-text.js';

/** Options every client command has. */
export const clientOptions = {
  socket: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type StatusMethod = { [M in Method]: Methods[M]['result'] extends ClatStatus ? M : never }[Method];

export interface ClientCommandSpec<M extends StatusMethod, O extends Record<string, OptionSpec>> {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  /** The command's own options besides clientOptions. */
  readonly options: O;
  readonly method: M;
  readonly params: (values: OptionValues<O & typeof clientOptions>) => Methods[M]['params'];
}

export function clientCommand<M extends StatusMethod, O extends Record<string, OptionSpec>>(spec: ClientCommandSpec<M, O>): Command {
  return defineCommand({
    name: spec.name,
    summary: spec.summary,
    help: spec.help,
    options: { ...spec.options, ...clientOptions },
    async run({ values, io, fail }) {
      const connected = await EngineClient.connect(socketPathFromEnv(values.socket as string | undefined));
      if (!connected.ok) return fail(connected.error);
      const client = connected.client;
      try {
        const answer = await client.call(spec.method, spec.params(values));
        if (!answer.ok) return fail(answer.error.message);
        const status = answer.result as ClatStatus;
        io.stdout(values.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
        // The engine answered, but the CLAT failed (for `up`: it could not be set up): say so in the exit code.
        return status.state === 'error' && spec.method === 'up' ? ExitCode.failure : ExitCode.ok;
      } finally {
        client.close();
      }
    },
  });
}

/** The help lines of clientOptions. */
export const clientOptionsHelp = `  --socket PATH    the engine's control socket (default: $CLATTER_SOCKET or /run/clatter/engine.sock)
  --json           print the status as JSON
  -h, --help       show this help
`;

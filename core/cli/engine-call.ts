// What `up`, `down` and `status` share: connect to the engine (--socket, CLATTER_SOCKET or the
// default path), make one call, and turn a failure into the command's one-line error.

import type { Method, Methods } from '../api/messages.js';
import { EngineClient, socketPathFromEnv } from '../client/engine-client.js';
import { ExitCode, type CommandIo } from './command.js';

export type EngineCallOutcome<M extends Method> = { ok: true; result: Methods[M]['result'] } | { ok: false; exitCode: number };

export async function callEngine<M extends Method>(
  commandName: string, socketFlag: string | undefined, method: M, params: Methods[M]['params'], io: CommandIo,
): Promise<EngineCallOutcome<M>> {
  const connected = await EngineClient.connect(socketPathFromEnv(socketFlag));
  if (!connected.ok) {
    io.stderr(`clatter ${commandName}: ${connected.error}\n`);
    return { ok: false, exitCode: ExitCode.failure };
  }
  const client = connected.client;
  try {
    const answer = await client.call(method, params);
    if (!answer.ok) {
      io.stderr(`clatter ${commandName}: ${answer.error.message}\n`);
      return { ok: false, exitCode: ExitCode.failure };
    }
    return { ok: true, result: answer.result };
  } finally {
    client.close();
  }
}

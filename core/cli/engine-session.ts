// Connecting a CLI command to the engine, with the command's one-line error when that fails.

import type { EngineEvent } from '../api/messages.js';
import { EngineClient, socketPathFromEnv } from '../client/engine-client.js';
import type { CommandIo } from './command.js';

export async function connectEngine(
  commandName: string, socketFlag: string | undefined, io: CommandIo,
  onEvent?: (event: EngineEvent) => void, maxLineBytes?: number,
): Promise<EngineClient | null> {
  const connected = await EngineClient.connect(socketPathFromEnv(socketFlag), onEvent, maxLineBytes);
  if (!connected.ok) {
    io.stderr(`clatter ${commandName}: ${connected.error}\n`);
    return null;
  }
  return connected.client;
}

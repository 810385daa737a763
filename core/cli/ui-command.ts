// `clatter ui [--port N] [--socket PATH]`: the desktop app's screen in a browser (core/ui-server),
// for projectors, remote demos and tests. Prints the URL (with its one-time token) and serves
// until Ctrl-C. Needs no root: only the engine's socket (root, or the "clatter" group).

import { socketPathFromEnv } from '../client/engine-client.js';
import { startUiServer } from '../ui-server/ui-server.js';
import { defineCommand, ExitCode, parsePort } from './command.js';

const options = {
  port: { type: 'string' },
  socket: { type: 'string' },
} as const;

const help = `Usage: clatter ui [--port N] [--socket PATH]

Serves Clatter's screen to a browser on this machine (127.0.0.1 only) and prints its URL. The URL
carries a random token: only a browser given that URL can use it, and no other web page can talk to
it. Open it in a browser; stop with Ctrl-C. The engine must run (sudo clatter engine).

  --port N         the port to listen on (default: any free port)
  --socket PATH    the engine's control socket (default: $CLATTER_SOCKET or /run/clatter/engine.sock)
  -h, --help       show this help
`;

export const uiCommand = defineCommand({
  name: 'ui',
  summary: "serve Clatter's screen to a browser on this machine",
  help,
  options,
  async run({ values, io, fail }) {
    const port = values.port === undefined ? 0 : parsePort(values.port);
    if (port === null) return fail('--port must be a port number (0 to 65535)', ExitCode.usage);
    let server;
    try {
      server = await startUiServer({ socketPath: socketPathFromEnv(values.socket), port, log: (line) => io.stderr(`${line}\n`) });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') return fail(`port ${port} is in use: pick another with --port, or leave it out for any free one`, ExitCode.failure);
      return fail(`cannot listen: ${(error as Error).message}`, ExitCode.failure);
    }
    io.stdout(`Clatter UI: ${server.url}\n`);
    io.stderr('Open that URL in a browser on this machine; Ctrl-C stops.\n');
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    return ExitCode.ok;
  },
});

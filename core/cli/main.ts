// `clatter <command> [options]`: finds the command and runs it. To add a command, write
// `<name>-command.ts` exporting a `Command` (command.ts) and list it in `commands` below.

import { ExitCode, type Command, type CommandIo } from './command.js';
import { demoCommand } from './demo-command.js';
import { downCommand } from './down-command.js';
import { engineCommand } from './engine-command.js';
import { explainCommand } from './explain-command.js';
import { exportCommand } from './export-command.js';
import { flowsCommand } from './flows-command.js';
import { reportCommand } from './report-command.js';
import { traceCommand } from './trace-command.js';
import { statusCommand } from './status-command.js';
import { translateCommand } from './translate-command.js';
import { uiCommand } from './ui-command.js';
import { upCommand } from './up-command.js';
import { versionCommand, versionLine } from './version-command.js';

export const commands: readonly Command[] = [
  engineCommand, upCommand, downCommand, statusCommand, flowsCommand, traceCommand, explainCommand, exportCommand, reportCommand, translateCommand, uiCommand, demoCommand, versionCommand,
];

const processIo: CommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

function generalHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return (
    'Usage: clatter <command> [options]\n\n' +
    'Clatter is a 464XLAT CLAT (RFC 6877) for Linux.\n\n' +
    `Commands:\n${list}\n\n` +
    'Run `clatter <command> --help` for the options of a command; `clatter --version` for the version.\n'
  );
}

/** Runs the command line `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr(generalHelp());
    return ExitCode.usage;
  }
  if (first === '--help' || first === '-h') {
    io.stdout(generalHelp());
    return ExitCode.ok;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(versionLine());
    return ExitCode.ok;
  }
  if (first === 'help') {
    if (rest.length === 0) {
      io.stdout(generalHelp());
      return ExitCode.ok;
    }
    const command = commands.find((c) => c.name === rest[0]);
    if (command === undefined) return usageError(io, `unknown command '${rest[0]}'`);
    io.stdout(command.help);
    return ExitCode.ok;
  }
  if (first.startsWith('-')) return usageError(io, `unknown option ${first}`);
  const command = commands.find((c) => c.name === first);
  if (command === undefined) return usageError(io, `unknown command '${first}'`);
  try {
    return await command.run(rest, io);
  } catch (error) {
    // Commands report expected failures themselves; whatever lands here is a bug.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`clatter ${command.name}: internal error: ${message.split('\n')[0]}\n`);
    if (process.env.CLATTER_DEBUG) io.stderr(`${error instanceof Error ? error.stack : String(error)}\n`);
    else io.stderr('(set CLATTER_DEBUG=1 to see where)\n');
    return ExitCode.internal;
  }
}

function usageError(io: CommandIo, message: string): number {
  io.stderr(`clatter: ${message} (see clatter --help)\n`);
  return ExitCode.usage;
}

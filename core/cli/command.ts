// What a `clatter` subcommand is, and the argument parsing they share. Each command lives in a file
// of its own (`<name>-command.ts`) and is listed once in main.ts. A command reports its own errors
// as one line on stderr, prefixed `clatter <name>: `, and resolves to its exit code; it throws only
// for bugs, which main.ts turns into an "internal error" line.

import { parseArgs } from 'node:util';

/** Where a command writes; main.ts passes the process's streams, tests pass collectors. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export interface Command {
  readonly name: string;
  /** One line for the command list of `clatter --help`. */
  readonly summary: string;
  /** The whole text of `clatter <name> --help`, ending in a newline. */
  readonly help: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

/** Exit codes, after BSD sysexits where one fits. */
export const ExitCode = {
  ok: 0,
  /** The command could not do its job: bad config, unreadable input, a write that failed. */
  failure: 1,
  /** The command line itself is wrong: unknown command or option, a missing or extra argument. */
  usage: 2,
  /** A bug in Clatter (EX_SOFTWARE). */
  internal: 70,
} as const;

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}

export type OptionValues<O extends Record<string, OptionSpec>> = {
  -readonly [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean;
};

export type ParsedArgs<O extends Record<string, OptionSpec>> =
  | { readonly ok: true; readonly values: OptionValues<O>; readonly positionals: string[] }
  | { readonly ok: false; readonly error: string };

/**
 * Parses `args` against `options`, allowing at most `maxPositionals` plain arguments. Unlike
 * parseArgs's strict mode, the errors are short and name the argument (`unknown option --fast`,
 * `--in needs a value`), and an option never silently takes the next option as its value
 * (`--in --json`); a value that starts with "-" can still be given as `--in=-odd-name`.
 */
export function parseCommandArgs<O extends Record<string, OptionSpec>>(
  args: readonly string[],
  options: O,
  maxPositionals = 0,
): ParsedArgs<O> {
  const { tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      if (positionals.length >= maxPositionals) return { ok: false, error: `unexpected argument '${token.value}'` };
      positionals.push(token.value);
      continue;
    }
    const spec = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (spec === undefined) return { ok: false, error: `unknown option ${token.rawName}` };
    if (Object.hasOwn(values, token.name)) return { ok: false, error: `${token.rawName} is given twice` };
    if (spec.type === 'boolean') {
      if (token.value !== undefined) return { ok: false, error: `${token.rawName} takes no value` };
      values[token.name] = true;
    } else {
      const value = token.value;
      if (value === undefined || value === '') return { ok: false, error: `${token.rawName} needs a value` };
      if (!token.inlineValue && value.length > 1 && value.startsWith('-')) {
        return { ok: false, error: `${token.rawName} needs a value (got the option ${value}; write ${token.rawName}=${value} if it is one)` };
      }
      values[token.name] = value;
    }
  }
  return { ok: true, values: values as OptionValues<O>, positionals };
}

/** A Node system error (ENOENT, EACCES, …) as a short phrase; other errors by their message. */
export function describeSystemError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'read-only file system';
    default: {
      const message = error instanceof Error ? error.message : String(error);
      return message.split('\n')[0];
    }
  }
}

/** A port number given on the command line (decimal digits, 0 to 65535), or null. */
export function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port <= 65_535 ? port : null;
}

/** `-h`/`--help`, which every command has (defineCommand adds it). */
export const helpOption = { help: { type: 'boolean', short: 'h' } } as const;

/** What a command's body gets once its command line has parsed and no help was asked for. */
export interface CommandContext<O extends Record<string, OptionSpec>> {
  readonly values: OptionValues<O>;
  readonly positionals: readonly string[];
  readonly io: CommandIo;
  /** Writes the command's one-line error (`clatter <name>: message`); returns `code` (default: failure). */
  fail(message: string, code?: number): number;
}

export interface CommandDefinition<O extends Record<string, OptionSpec>> {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  /** The command's options; `--help` is added. */
  readonly options: O;
  readonly maxPositionals?: number;
  run(context: CommandContext<O>): Promise<number>;
}

/**
 * A command from its definition, with the prologue every command shares written once: parse the
 * arguments (a usage error names the option and points at `--help`, exit 2), print the help for
 * `--help` (exit 0), and give the body `fail` for its errors.
 */
export function defineCommand<O extends Record<string, OptionSpec>>(definition: CommandDefinition<O>): Command {
  const options = { ...definition.options, ...helpOption };
  return {
    name: definition.name,
    summary: definition.summary,
    help: definition.help,
    async run(args: readonly string[], io: CommandIo): Promise<number> {
      const fail = (message: string, code: number = ExitCode.failure): number => {
        io.stderr(`clatter ${definition.name}: ${message}\n`);
        return code;
      };
      const parsed = parseCommandArgs(args, options, definition.maxPositionals);
      if (!parsed.ok) return fail(`${parsed.error} (see clatter ${definition.name} --help)`, ExitCode.usage);
      if (parsed.values.help) {
        io.stdout(definition.help);
        return ExitCode.ok;
      }
      return definition.run({ values: parsed.values as OptionValues<O>, positionals: parsed.positionals, io, fail });
    },
  };
}

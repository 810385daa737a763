// Runs the host's own tools (iproute2's `ip`) without a shell: the argument vector is passed as is,
// so no interface name or address can be read as shell syntax. Failures are values.

import { execFile } from 'node:child_process';

export type CommandResult = { ok: true; stdout: string } | { ok: false; error: string; stderr: string };

export function runCommand(file: string, args: readonly string[], timeoutMs = 10_000, input?: string): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(file, [...args], { timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ ok: true, stdout });
        return;
      }
      const detail = stderr.trim().split('\n')[0] || error.message;
      resolve({ ok: false, error: `${file} ${args.join(' ')}: ${detail}`, stderr });
    });
    // The rule set or other text a command reads from stdin.
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** `ip -j …` parsed as JSON (iproute2 prints nothing for an empty list). */
export async function ipJson<T>(args: readonly string[]): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  const result = await runCommand('ip', ['-j', ...args]);
  if (!result.ok) return result;
  const text = result.stdout.trim();
  try {
    return { ok: true, value: (text === '' ? [] : JSON.parse(text)) as T };
  } catch {
    return { ok: false, error: `ip -j ${args.join(' ')}: output is not JSON` };
  }
}

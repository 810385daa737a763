// Runs the `clatter` command in this process, capturing what it prints.

import { main } from '../../core/cli/main.js';

export async function runClatter(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });
  return { code, stdout, stderr };
}

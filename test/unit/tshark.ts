// Wireshark's tshark as a test oracle: an independent reader of our captures and checker of
// every checksum. It must be installed (scripts/ensure-test-tools.sh does that as root); a test
// that needs it fails, rather than skips, when it is missing.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const tsharkPath = '/usr/bin/tshark';

/** Runs tshark with `args`; fails the calling test with the install hint when it is missing. */
export function tshark(args: string[]): string {
  if (!existsSync(tsharkPath)) throw new Error('tshark is not installed: apt-get install tshark (npm test does it as root)');
  return execFileSync(tsharkPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

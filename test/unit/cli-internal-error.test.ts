// A translator that throws is a bug; the command must still end in a short report, exit 70, and
// leave no output file behind.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { main } from '../../core/cli/main.js';
import { ipv4Udp, pcapFile } from './capture-fixtures.js';

vi.mock('../../core/xlat/translator.js', () => ({
  Translator: class {
    translate(): number {
      throw new Error('boom\nsecond line');
    }
  },
}));

const directory = mkdtempSync(join(tmpdir(), 'clatter-cli-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

it('reports a throwing translator as an internal error, exit 70', async () => {
  vi.stubEnv('CLATTER_DEBUG', '');
  const config = join(directory, 'siit.json');
  const input = join(directory, 'in.pcap');
  const out = join(directory, 'out.pcapng');
  writeFileSync(config, JSON.stringify({ pool6: '64:ff9b::/96', selfIpv4: '192.0.0.1', selfIpv6: '2001:db8::1' }));
  writeFileSync(input, pcapFile({ records: [{ seconds: 0, fraction: 0, data: ipv4Udp() }] }));
  let stderr = '';
  const code = await main(['translate', '--config', config, '--in', input, '--out', out], {
    stdout: () => undefined,
    stderr: (text) => void (stderr += text),
  });
  expect(code).toBe(70);
  expect(stderr).toBe('clatter translate: internal error: the translator threw on input packet #1: boom\n(set CLATTER_DEBUG=1 to see where)\n');
  expect(existsSync(out)).toBe(false);
});

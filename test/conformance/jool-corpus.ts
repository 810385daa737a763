// Loads the Jool SIIT packet corpus from ../shared/conformance (see its README) and turns each
// case's Jool configuration into ours.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SiitConfigJson } from '../../core/xlat/config.js';

export interface JoolCase {
  n: number;
  group: string;
  direction: '46' | '64' | '66' | '44';
  send: string[];
  expect: string[];
  ignore_byte_offsets: number[];
  config: {
    pool6: string | null;
    eamt: string[];
    'rfc6791v4-prefix': string | null;
    'rfc6791v6-prefix': string | null;
    'lowest-ipv6-mtu': number;
    'amend-udp-checksum-zero': boolean;
    mtu: Record<string, number>;
  };
}

/** The checkout's root: the nearest folder up with a package.json (from test/ or dist/test/). */
function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('dist')) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the checkout root');
    dir = parent;
  }
  return dir;
}

const repoRoot = findRepoRoot();

/** The shared conformance folder: beside the checkout, or where CLATTER_CONFORMANCE_DIR says. */
export function conformanceDir(): string {
  const dir = process.env.CLATTER_CONFORMANCE_DIR ?? resolve(repoRoot, '..', 'shared', 'conformance');
  if (!existsSync(join(dir, 'jool-siit', 'jool-siit-cases.json'))) {
    throw new Error(`conformance corpus not found in ${dir} (set CLATTER_CONFORMANCE_DIR)`);
  }
  return dir;
}

export function loadJoolCases(): JoolCase[] {
  const file = join(conformanceDir(), 'jool-siit', 'jool-siit-cases.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: JoolCase[] }).cases;
}

export function readPacket(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(conformanceDir(), 'jool-siit', name)));
}

/** The translator's own addresses in Jool's graybox network (network.md). */
export const joolSelfIpv4 = '198.51.100.1';
export const joolSelfIpv6 = '2001:db8:1c0:2:1::';

export function toSiitConfig(config: JoolCase['config']): SiitConfigJson {
  return {
    pool6: config.pool6,
    eamt: config.eamt.map((line) => {
      const [ipv6, ipv4] = line.split(/\s+/);
      return { ipv6, ipv4 };
    }),
    rfc6791v4: config['rfc6791v4-prefix'],
    rfc6791v6: config['rfc6791v6-prefix'],
    selfIpv4: joolSelfIpv4,
    selfIpv6: joolSelfIpv6,
    lowestIpv6Mtu: config['lowest-ipv6-mtu'],
    mtu: { ipv4: config.mtu['joolns:to_client_v4'], ipv6: config.mtu['joolns:to_client_v6'] },
    udpZeroChecksum: config['amend-udp-checksum-zero'] ? 'compute' : 'drop',
    decrementTtl: true,
  };
}

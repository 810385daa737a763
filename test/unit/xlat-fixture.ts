// The network the translator tests use (documentation addresses only, RFC 3849 / RFC 5737) and a
// runner that returns the verdict by name and copies of the packets written.
//
//   IPv4 side                         translator                        IPv6 side
//   h4 192.0.2.1      (2001:db8:64::c000:201)     pool6 2001:db8:64::/96     h6 2001:db8:64::c633:6402 (198.51.100.2)
//   r4 203.0.113.1    (2001:db8:64::cb00:7101)    self 203.0.113.254          r6 2001:db8:64::c633:6401 (198.51.100.1)
//                                                 self 2001:db8:ffff::1

import { parseSiitConfig, type SiitConfigJson } from '../../core/xlat/config.js';
import { XlatOutput } from '../../core/xlat/output.js';
import { Translator } from '../../core/xlat/translator.js';
import { verdictName, type VerdictName } from '../../core/xlat/verdict.js';

export const net = {
  pool6: '2001:db8:64::/96',
  selfIpv4: '203.0.113.254',
  selfIpv6: '2001:db8:ffff::1',
  h4: '192.0.2.1',
  h4as6: '2001:db8:64::c000:201',
  h6: '2001:db8:64::c633:6402',
  h6as4: '198.51.100.2',
  r4: '203.0.113.1',
  r4as6: '2001:db8:64::cb00:7101',
  r6: '2001:db8:64::c633:6401',
  r6as4: '198.51.100.1',
} as const;

export function makeTranslator(overrides: Partial<SiitConfigJson> = {}): Translator {
  const parsed = parseSiitConfig({ pool6: net.pool6, selfIpv4: net.selfIpv4, selfIpv6: net.selfIpv6, ...overrides });
  if (!parsed.ok) throw new Error(`test configuration rejected: ${parsed.error}`);
  return new Translator(parsed.config);
}

export interface OutPacket {
  family: number;
  generated: number;
  bytes: Uint8Array;
}

export interface RunResult {
  verdict: VerdictName | undefined;
  out: OutPacket[];
}

const output = new XlatOutput();

function collect(verdict: number): RunResult {
  const out: OutPacket[] = [];
  for (let i = 0; i < output.count; i++) {
    out.push({ family: output.family[i], generated: output.generated[i], bytes: output.packet(i).slice() });
  }
  return { verdict: verdictName(verdict), out };
}

/** Translates a packet of either family (by its version nibble). */
export function run(t: Translator, packet: Uint8Array): RunResult {
  return collect(t.translate(packet, output));
}

/** Translates `packet` placed at `start` inside a larger buffer (the engine's arena form). */
export function runAt(t: Translator, packet: Uint8Array, start: number): RunResult {
  const arena = new Uint8Array(start + packet.length + 64).fill(0xee);
  arena.set(packet, start);
  return collect(t.translateAt(arena, start, packet.length, output));
}

/** The single translated packet of a result (fails loudly otherwise). */
export function only(result: RunResult): OutPacket {
  if (result.verdict !== 'translated' || result.out.length !== 1) {
    throw new Error(`expected one translated packet, got verdict ${result.verdict} with ${result.out.length} packets`);
  }
  return result.out[0];
}

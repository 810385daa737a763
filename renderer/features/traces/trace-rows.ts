// A trace pair from the engine becomes rows of the two panes: the IPv4 pane shows what the host's
// programs sent and received on the CLAT interface, the IPv6 pane what went over the uplink. A
// translated pair gives one row on each side, linked by the pair number; a packet the translator
// dropped gives one row, on its own side; one it answered with an ICMP error gives two rows on
// that side (the error goes back where the packet came from). Lines are tcpdump-like, decoded
// from the kept bytes by core/wire (the same decoder as `clatter trace`).

import { decodeBase64 } from '../../../core/api/base64.js';
import type { TracePacketJson, TracePairJson } from '../../../core/api/trace-wire.js';
import { describePacket } from '../../../core/wire/describe-packet.js';

export interface TraceRow {
  /** Unique in its pane: pair number and role. */
  readonly key: string;
  readonly pairId: number;
  readonly role: 'input' | 'output';
  readonly family: 4 | 6;
  readonly direction: 46 | 64;
  readonly atMs: number;
  readonly line: string;
  readonly length: number;
  readonly verdict: string;
  /** The output is the translator's ICMP error, not a translation. */
  readonly generated: boolean;
  /** The input was not translated (dropped, or answered with an error). */
  readonly dropped: boolean;
  readonly program: string | null;
}

function rowOf(pair: TracePairJson, packet: TracePacketJson, role: 'input' | 'output'): TraceRow {
  const bytes = decodeBase64(packet.bytes) ?? new Uint8Array(0);
  return {
    key: `${pair.id}:${role}`,
    pairId: pair.id,
    role,
    family: packet.family,
    direction: pair.direction,
    atMs: pair.atMs,
    line: describePacket(bytes),
    length: packet.length,
    verdict: pair.verdict,
    generated: pair.generated,
    dropped: pair.verdict !== 'translated',
    program: pair.program?.name ?? null,
  };
}

export function rowsOfPair(pair: TracePairJson): TraceRow[] {
  const rows = [rowOf(pair, pair.input, 'input')];
  if (pair.output !== null) rows.push(rowOf(pair, pair.output, 'output'));
  return rows;
}

/**
 * The pair numbers whose rows match `query` (case-insensitive, in the line or the program's
 * name), so both twins of a match stay visible; null when there is no query.
 */
export function matchingPairs(query: string, ...panes: readonly (readonly TraceRow[])[]): Set<number> | null {
  const needle = query.trim().toLowerCase();
  if (needle === '') return null;
  const matches = new Set<number>();
  for (const rows of panes) {
    for (const row of rows) {
      if (row.line.toLowerCase().includes(needle) || (row.program?.toLowerCase().includes(needle) ?? false)) matches.add(row.pairId);
    }
  }
  return matches;
}

// A TCP flow's state, told cheaply: one byte per flow remembers which of SYN, FIN and RST were seen
// in which direction, and the state is read off those bits when someone asks (a snapshot, the
// sweep). No sequence numbers are tracked, so this is what a monitor needs (is it opening, open,
// closing, gone?), not what a firewall needs. A flow first seen without a SYN was picked up
// mid-stream (the engine started after it) and counts as established.

import type { TcpState } from './flow-info.js';

const tcpFlagFin = 0x01;
const tcpFlagSyn = 0x02;
const tcpFlagRst = 0x04;
const tcpFlagAck = 0x10;

const syn46 = 0x01;
const syn64 = 0x02;
const fin46 = 0x04;
const fin64 = 0x08;
const rst = 0x10;

export const tcpStateCode = {
  synSent: 1,
  synReceived: 2,
  established: 3,
  closing: 4,
  closed: 5,
} as const;

const stateNames: readonly (TcpState | null)[] = [null, 'syn-sent', 'syn-received', 'established', 'closing', 'closed'];

/** The bits after a segment with TCP `flags` went out (`outbound`: direction 46) or came in. */
export function tcpFlagsSeen(seen: number, outbound: boolean, flags: number): number {
  // A bare SYN on a finished flow is a new connection reusing the 5-tuple (RFC 1122 §4.2.2.13
  // lets a SYN reopen a connection in TIME-WAIT): start over.
  if ((flags & (tcpFlagSyn | tcpFlagAck)) === tcpFlagSyn && tcpStateOf(seen) === tcpStateCode.closed) seen = 0;
  if (flags & tcpFlagSyn) seen |= outbound ? syn46 : syn64;
  if (flags & tcpFlagFin) seen |= outbound ? fin46 : fin64;
  if (flags & tcpFlagRst) seen |= rst;
  return seen;
}

/** A tcpStateCode from the bits. */
export function tcpStateOf(seen: number): number {
  if (seen & rst) return tcpStateCode.closed;
  if ((seen & (fin46 | fin64)) === (fin46 | fin64)) return tcpStateCode.closed;
  if (seen & (fin46 | fin64)) return tcpStateCode.closing;
  if ((seen & (syn46 | syn64)) === (syn46 | syn64)) return tcpStateCode.established;
  if (seen & syn46) return tcpStateCode.synSent;
  if (seen & syn64) return tcpStateCode.synReceived;
  return tcpStateCode.established;
}

export function tcpStateName(code: number): TcpState | null {
  return stateNames[code] ?? null;
}

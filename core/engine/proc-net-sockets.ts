// The kernel's socket tables as text: /proc/net/tcp, udp, icmp (ping sockets) and raw, of the
// reader's network namespace. sock_diag (sock-diag.ts) is the fast way for TCP and UDP; these
// serve ICMP, which sock_diag has no handler for, and TCP and UDP when sock_diag fails.
//
// A line (net/ipv4/tcp_ipv4.c, udp.c, ping.c, raw.c print the same columns):
//   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ...
//    0: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 12345 ...
// An address is the __be32 printed as a host-order number (so 127.0.0.1 reads 0100007F on a
// little-endian host); a port is printed in host order. For a ping socket the "port" is its ICMP
// echo identifier; for a raw socket it is the socket's protocol (1 for ICMP).

import { readFileSync } from 'node:fs';

export type ProcNetTable = 'tcp' | 'udp' | 'icmp' | 'raw';

export interface ProcNetSocket {
  readonly localV4: number;
  readonly localPort: number;
  readonly remoteV4: number;
  readonly remotePort: number;
  readonly state: number;
  readonly uid: number;
  readonly inode: number;
}

const hostLittleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The sockets of one /proc/net table's text (the header line and malformed lines are skipped). */
export function parseProcNetSockets(text: string, littleEndian = hostLittleEndian): ProcNetSocket[] {
  const sockets: ProcNetSocket[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || !fields[0].endsWith(':')) continue;
    const local = endpoint(fields[1], littleEndian);
    const remote = endpoint(fields[2], littleEndian);
    const state = parseInt(fields[3], 16);
    const uid = Number(fields[7]);
    const inode = Number(fields[9]);
    if (local === undefined || remote === undefined || !Number.isInteger(uid) || !Number.isInteger(inode) || Number.isNaN(state)) continue;
    sockets.push({ localV4: local[0], localPort: local[1], remoteV4: remote[0], remotePort: remote[1], state, uid, inode });
  }
  return sockets;
}

function endpoint(text: string, littleEndian: boolean): [number, number] | undefined {
  const match = /^([0-9A-Fa-f]{8}):([0-9A-Fa-f]{4})$/.exec(text);
  if (match === null) return undefined;
  const printed = parseInt(match[1], 16) >>> 0;
  const address = littleEndian
    ? (((printed & 0xff) << 24) | ((printed & 0xff00) << 8) | ((printed >>> 8) & 0xff00) | (printed >>> 24)) >>> 0
    : printed;
  return [address, parseInt(match[2], 16)];
}

/** Reads `/proc/net/<table>` (IPv4 only); empty when it cannot be read. */
export function readProcNetSockets(table: ProcNetTable, procRoot = '/proc'): ProcNetSocket[] {
  try {
    return parseProcNetSockets(readFileSync(`${procRoot}/net/${table}`, 'latin1'));
  } catch {
    return [];
  }
}

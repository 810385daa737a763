// The first words of the transport headers a flow is told by, read in place: UDP (RFC 768) and
// TCP (RFC 9293 §3.1) both begin with Source Port and Destination Port, which is all a quoted
// packet in an ICMP error must carry (RFC 792: its first 8 bytes). `at` is the offset of the
// transport header's first byte. Import it whole (`import * as transportHeader`).
//
//   UDP:  | Source Port | Destination Port | Length | Checksum |
//   TCP:  | Source Port | Destination Port | Sequence Number | Acknowledgment Number |
//         | Data Offset, Reserved, Control Bits (byte 13) | Window | Checksum | Urgent Pointer |

import { read16, read32 } from './bytes.js';

export function sourcePort(b: Uint8Array, at: number): number {
  return read16(b, at);
}

export function destinationPort(b: Uint8Array, at: number): number {
  return read16(b, at + 2);
}

/** UDP Length: header and data, in bytes. */
export function udpLength(b: Uint8Array, at: number): number {
  return read16(b, at + 4);
}

export function udpChecksum(b: Uint8Array, at: number): number {
  return read16(b, at + 6);
}

export function tcpSequenceNumber(b: Uint8Array, at: number): number {
  return read32(b, at + 4);
}

export function tcpAcknowledgmentNumber(b: Uint8Array, at: number): number {
  return read32(b, at + 8);
}

/** TCP Data Offset in bytes (the field counts 32-bit words). */
export function tcpDataOffset(b: Uint8Array, at: number): number {
  return (b[at + 12] >> 4) << 2;
}

/** The TCP control bits (`tcpFlag`) of byte 13: CWR, ECE, URG, ACK, PSH, RST, SYN, FIN. */
export function tcpControlBits(b: Uint8Array, at: number): number {
  return b[at + 13];
}

export function tcpChecksum(b: Uint8Array, at: number): number {
  return read16(b, at + 16);
}

/** Bytes a header must have for the ports; for TCP's control bits. */
export const portsBytes = 4;
export const tcpControlBitsBytes = 14;

/** TCP control bits (RFC 9293 §3.1; CWR and ECE: RFC 3168 §6.1). */
export const tcpFlag = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10, urg: 0x20, ece: 0x40, cwr: 0x80 } as const;

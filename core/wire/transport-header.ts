// The first words of the transport headers a flow is told by, read in place: UDP (RFC 768) and
// TCP (RFC 9293 §3.1) both begin with Source Port and Destination Port, which is all a quoted
// packet in an ICMP error must carry (RFC 792: its first 8 bytes). `at` is the offset of the
// transport header's first byte. Import it whole (`import * as transportHeader`).
//
//   UDP:  | Source Port | Destination Port | Length | Checksum |
//   TCP:  | Source Port | Destination Port | Sequence Number | Acknowledgment Number |
//         | Data Offset, Reserved, Control Bits (byte 13) | Window | Checksum | Urgent Pointer |

//
// As in ipv4-header.ts, each accessor reads its bytes itself and calls nothing, to stay cheap in
// TurboFan's inlining budget.

export function sourcePort(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

export function destinationPort(b: Uint8Array, at: number): number {
  return (b[at + 2] << 8) | b[at + 3];
}

/** UDP Length: header and data, in bytes. */
export function udpLength(b: Uint8Array, at: number): number {
  return (b[at + 4] << 8) | b[at + 5];
}

export function udpChecksum(b: Uint8Array, at: number): number {
  return (b[at + 6] << 8) | b[at + 7];
}

export function tcpSequenceNumber(b: Uint8Array, at: number): number {
  return ((b[at + 4] << 24) | (b[at + 5] << 16) | (b[at + 6] << 8) | b[at + 7]) >>> 0;
}

export function tcpAcknowledgmentNumber(b: Uint8Array, at: number): number {
  return ((b[at + 8] << 24) | (b[at + 9] << 16) | (b[at + 10] << 8) | b[at + 11]) >>> 0;
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
  return (b[at + 16] << 8) | b[at + 17];
}

/** Bytes a header must have for the ports; for TCP's control bits. */
export const portsBytes = 4;
export const tcpControlBitsBytes = 14;

/** TCP control bits (RFC 9293 §3.1; CWR and ECE: RFC 3168 §6.1). */
export const tcpFlag = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10, urg: 0x20, ece: 0x40, cwr: 0x80 } as const;

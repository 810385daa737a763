// IPv4 header (RFC 791 §3.1):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |Version|  IHL  |Type of Service|          Total Length         |
//   |         Identification        |Flags|      Fragment Offset    |
//   |  Time to Live |    Protocol   |         Header Checksum       |
//   |                       Source Address                          |
//   |                    Destination Address                        |
//   |                    Options                    |    Padding    |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import { sumWords, finishChecksum } from './checksum.js';
import { write16 } from './bytes.js';

export const ipv4 = {
  versionIhl: 0,
  tos: 1,
  totalLen: 2,
  identification: 4,
  flagsFragOffset: 6,
  ttl: 8,
  protocol: 9,
  checksum: 10,
  src: 12,
  dst: 16,
  minHeaderBytes: 20,
  flagDf: 0x4000,
  flagMf: 0x2000,
  fragOffsetMask: 0x1fff,
} as const;

/** IPv4 option types (RFC 791 §3.1; IANA "IP Option Numbers"). */
export const ipv4Option = {
  endOfList: 0,
  noOperation: 1,
  looseSourceRoute: 131,
  strictSourceRoute: 137,
} as const;

/** Computes and stores the header checksum of the IPv4 header at `offset`. */
export function fillIpv4HeaderChecksum(bytes: Uint8Array, offset: number, headerBytes: number): void {
  write16(bytes, offset + ipv4.checksum, 0);
  write16(bytes, offset + ipv4.checksum, finishChecksum(sumWords(bytes, offset, offset + headerBytes)));
}

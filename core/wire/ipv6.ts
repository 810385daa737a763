// IPv6 header (RFC 8200 §3) and the extension headers a translator meets (§4):
//
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |Version| Traffic Class |           Flow Label                  |
//   |         Payload Length        |  Next Header  |   Hop Limit   |
//   |                 Source Address (128 bits)                     |
//   |              Destination Address (128 bits)                   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Fragment header (§4.5): Next Header, Reserved, Fragment Offset (13 bits) | Res | M, Identification (32).

export const ipv6 = {
  payloadLen: 4,
  nextHeader: 6,
  hopLimit: 7,
  src: 8,
  dst: 24,
  headerBytes: 40,
  fragmentHeaderBytes: 8,
} as const;

/** Fragment header field offsets, relative to the header. */
export const fragmentHeader = {
  nextHeader: 0,
  offsetFlags: 2,
  identification: 4,
  flagM: 0x0001,
  offsetMask: 0xfff8,
} as const;

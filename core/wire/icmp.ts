// ICMP (RFC 792) and ICMPv6 (RFC 4443) message types the translator names, and the RFC 4884
// length field that says where the "original datagram" ends and an extension structure begins.

export const icmp4Type = {
  echoReply: 0,
  destinationUnreachable: 3,
  echoRequest: 8,
  timeExceeded: 11,
  parameterProblem: 12,
} as const;

export const icmp4Code = {
  protocolUnreachable: 2,
  fragmentationNeeded: 4,
  sourceRouteFailed: 5,
  adminProhibited: 13,
} as const;

export const icmp6Type = {
  destinationUnreachable: 1,
  packetTooBig: 2,
  timeExceeded: 3,
  parameterProblem: 4,
  echoRequest: 128,
  echoReply: 129,
} as const;

export const icmp6Code = {
  adminProhibited: 1,
  erroneousHeaderField: 0,
  unrecognizedNextHeader: 1,
} as const;

export const icmpHeaderBytes = 8;

/** ICMPv4 error types; anything else is informational or unknown. */
export function isIcmp4Error(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/** RFC 4443 §2.1: types 0-127 are errors. */
export function isIcmp6Error(type: number): boolean {
  return type < 128;
}

/** RFC 4884 §4.1: ICMPv4 messages with a length attribute (byte 5, in 32-bit words). */
export function icmp4HasLengthField(type: number): boolean {
  return type === 3 || type === 11 || type === 12;
}

/** RFC 4884 §4.2: ICMPv6 messages with a length attribute (byte 4, in 64-bit words). */
export function icmp6HasLengthField(type: number): boolean {
  return type === 1 || type === 3;
}

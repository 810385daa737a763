// ICMP (RFC 792) and ICMPv6 (RFC 4443) message types and codes, by name, and the RFC 4884 length
// field that says where the "original datagram" ends and an extension structure begins. Codes are
// per type (a code means nothing without its type); `icmp4Code` and `icmp6Code` are older short
// names for a few of them, drawn from the per-type tables.

/** ICMPv4 types (RFC 792; Router Advertisement and Solicitation: RFC 1256). */
export const icmp4Type = {
  echoReply: 0,
  destinationUnreachable: 3,
  sourceQuench: 4,
  redirect: 5,
  alternateHostAddress: 6,
  echoRequest: 8,
  routerAdvertisement: 9,
  routerSolicitation: 10,
  timeExceeded: 11,
  parameterProblem: 12,
  timestamp: 13,
  timestampReply: 14,
  informationRequest: 15,
  informationReply: 16,
  addressMaskRequest: 17,
  addressMaskReply: 18,
} as const;

/** Destination Unreachable codes (RFC 792; 6 to 12: RFC 1122 §3.2.2.1; 13 to 15: RFC 1812 §5.2.7.1). */
export const icmp4Unreachable = {
  networkUnreachable: 0,
  hostUnreachable: 1,
  protocolUnreachable: 2,
  portUnreachable: 3,
  fragmentationNeeded: 4,
  sourceRouteFailed: 5,
  destinationNetworkUnknown: 6,
  destinationHostUnknown: 7,
  sourceHostIsolated: 8,
  networkProhibited: 9,
  hostProhibited: 10,
  networkUnreachableForTos: 11,
  hostUnreachableForTos: 12,
  communicationProhibited: 13,
  hostPrecedenceViolation: 14,
  precedenceCutoff: 15,
} as const;

/** Time Exceeded codes (RFC 792). */
export const icmp4TimeExceeded = { ttlExceeded: 0, reassemblyTimeExceeded: 1 } as const;

/** Parameter Problem codes (RFC 792: the pointer; RFC 1122 §3.2.2.5: a missing option; RFC 1812 §5.2.7.3: a bad length). */
export const icmp4ParameterProblem = { pointerIndicatesError: 0, missingRequiredOption: 1, badLength: 2 } as const;

/** Short names for the ICMPv4 codes a translator meets most, from the tables above. */
export const icmp4Code = {
  protocolUnreachable: icmp4Unreachable.protocolUnreachable,
  fragmentationNeeded: icmp4Unreachable.fragmentationNeeded,
  sourceRouteFailed: icmp4Unreachable.sourceRouteFailed,
  adminProhibited: icmp4Unreachable.communicationProhibited,
} as const;

/** ICMPv6 types (RFC 4443 §2.1: 0 to 127 are errors, 128 to 255 informational). */
export const icmp6Type = {
  destinationUnreachable: 1,
  packetTooBig: 2,
  timeExceeded: 3,
  parameterProblem: 4,
  echoRequest: 128,
  echoReply: 129,
  /** Multicast Listener Discovery (RFC 2710; version 2: RFC 3810). */
  multicastListenerQuery: 130,
  multicastListenerReport: 131,
  multicastListenerDone: 132,
  /** Neighbor Discovery (RFC 4861 §4). */
  routerSolicitation: 133,
  routerAdvertisement: 134,
  neighborSolicitation: 135,
  neighborAdvertisement: 136,
  redirect: 137,
  multicastListenerReportV2: 143,
} as const;

/** Destination Unreachable codes (RFC 4443 §3.1). */
export const icmp6Unreachable = {
  noRoute: 0,
  adminProhibited: 1,
  beyondScope: 2,
  addressUnreachable: 3,
  portUnreachable: 4,
  sourcePolicyFailed: 5,
  rejectRoute: 6,
} as const;

/** Time Exceeded codes (RFC 4443 §3.3). */
export const icmp6TimeExceeded = { hopLimitExceeded: 0, reassemblyTimeExceeded: 1 } as const;

/** Parameter Problem codes (RFC 4443 §3.4). */
export const icmp6ParameterProblem = { erroneousHeaderField: 0, unrecognizedNextHeader: 1, unrecognizedOption: 2 } as const;

/** Short names for the ICMPv6 codes a translator meets most, from the tables above. */
export const icmp6Code = {
  adminProhibited: icmp6Unreachable.adminProhibited,
  erroneousHeaderField: icmp6ParameterProblem.erroneousHeaderField,
  unrecognizedNextHeader: icmp6ParameterProblem.unrecognizedNextHeader,
} as const;

export const icmpHeaderBytes = 8;

/** ICMPv4 error types (RFC 1122 §3.2.2); anything else is informational or unknown. */
export function isIcmp4Error(type: number): boolean {
  return (
    type === icmp4Type.destinationUnreachable || type === icmp4Type.sourceQuench || type === icmp4Type.redirect ||
    type === icmp4Type.timeExceeded || type === icmp4Type.parameterProblem
  );
}

/** RFC 4443 §2.1: types 0-127 are errors. */
export function isIcmp6Error(type: number): boolean {
  return type < icmp6Type.echoRequest;
}

/** RFC 4884 §4.1: ICMPv4 messages with a length attribute (byte 5, in 32-bit words). */
export function icmp4HasLengthField(type: number): boolean {
  return type === icmp4Type.destinationUnreachable || type === icmp4Type.timeExceeded || type === icmp4Type.parameterProblem;
}

/** RFC 4884 §4.2: ICMPv6 messages with a length attribute (byte 4, in 64-bit words). */
export function icmp6HasLengthField(type: number): boolean {
  return type === icmp6Type.destinationUnreachable || type === icmp6Type.timeExceeded;
}

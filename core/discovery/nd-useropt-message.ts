// RTM_NEWNDUSEROPT netlink messages: Linux handles the RA options it knows and passes the others, PREF64
// among them, to sockets that joined the RTNLGRP_ND_USEROPT group, one option per message, with the
// interface the RA came in on and the router that sent it. Netlink fields are in host byte order.
//
//   nlmsghdr      u32 length (header included), u16 type, u16 flags, u32 seq, u32 pid   16 bytes
//   nduseroptmsg  u8 family (AF_INET6), u8 pad, u16 opts_len, i32 ifindex,
//                 u8 icmp_type, u8 icmp_code, u16 pad, u32 pad                           16 bytes
//   options       opts_len bytes of ND options (RFC 4861 §4.6), padded to 4
//   attributes    u16 length (header included), u16 type, value, each padded to 4;
//                 NDUSEROPT_SRCADDR (1) holds the router's IPv6 address

import { parseNdOptions, pref64Options, type NdOption } from './nd-options.js';
import type { Pref64Option } from './pref64-option.js';
import { routerAdvertisementType } from './router-advertisement.js';

export const netlinkMessageType = { error: 2, done: 3, newNdUserOpt: 68 } as const;
export const nduseroptSrcaddr = 1;
export const afInet6 = 10;

export const netlinkHeaderBytes = 16;
export const nduseroptHeaderBytes = 16;
const attributeHeaderBytes = 4;
/** Attribute types carry two flag bits (nested, network byte order) above the type proper. */
const attributeTypeMask = 0x3fff;

/** Netlink speaks the host's byte order. */
export const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface NdUserOptMessage {
  readonly ifindex: number;
  /** The ICMPv6 message the options came in: always 134, a Router Advertisement (others are skipped). */
  readonly icmpType: number;
  readonly icmpCode: number;
  /** The router that sent the RA (NDUSEROPT_SRCADDR), a fresh copy; null if the kernel left it out. */
  readonly router: Uint8Array | null;
  /** The ND options carried, offsets into the parsed buffer. */
  readonly options: readonly NdOption[];
  /** The usable PREF64 options among them (RFC 8781 §4). */
  readonly pref64: readonly Pref64Option[];
}

function align4(length: number): number {
  return (length + 3) & ~3;
}

/**
 * Every RTM_NEWNDUSEROPT message about a Router Advertisement in one datagram read from the netlink
 * socket. Other message types, other ICMPv6 types, other families and malformed messages are skipped;
 * parsing stops at NLMSG_DONE or at a header that does not fit. Never throws; never keeps `bytes`.
 */
export function parseNdUserOptMessages(bytes: Uint8Array): NdUserOptMessage[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const messages: NdUserOptMessage[] = [];
  let offset = 0;
  while (offset + netlinkHeaderBytes <= bytes.length) {
    const messageBytes = view.getUint32(offset, hostIsLittleEndian);
    const type = view.getUint16(offset + 4, hostIsLittleEndian);
    if (messageBytes < netlinkHeaderBytes || offset + messageBytes > bytes.length) break;
    if (type === netlinkMessageType.done) break;
    if (type === netlinkMessageType.newNdUserOpt) {
      const message = parseOne(bytes, view, offset + netlinkHeaderBytes, offset + messageBytes);
      if (message !== null) messages.push(message);
    }
    offset += align4(messageBytes);
  }
  return messages;
}

/** The payload of one RTM_NEWNDUSEROPT message, `bytes[start, end)`, or null when it is not for us. */
function parseOne(bytes: Uint8Array, view: DataView, start: number, end: number): NdUserOptMessage | null {
  if (start + nduseroptHeaderBytes > end) return null;
  if (bytes[start] !== afInet6) return null;
  const optionsBytes = view.getUint16(start + 2, hostIsLittleEndian);
  const ifindex = view.getInt32(start + 4, hostIsLittleEndian);
  const icmpType = bytes[start + 8];
  const icmpCode = bytes[start + 9];
  if (icmpType !== routerAdvertisementType || icmpCode !== 0) return null;
  const optionsStart = start + nduseroptHeaderBytes;
  const optionsEnd = optionsStart + optionsBytes;
  if (optionsEnd > end) return null;
  const parsed = parseNdOptions(bytes, optionsStart, optionsEnd);
  // RFC 4861 §4.6: a zero-length option discards the whole packet; the kernel checks that before us.
  if (!parsed.ok) return null;
  return {
    ifindex,
    icmpType,
    icmpCode,
    router: findRouterAddress(bytes, view, start + align4(nduseroptHeaderBytes + optionsBytes), end),
    options: parsed.options,
    pref64: pref64Options(bytes, parsed.options),
  };
}

function findRouterAddress(bytes: Uint8Array, view: DataView, start: number, end: number): Uint8Array | null {
  let offset = start;
  while (offset + attributeHeaderBytes <= end) {
    const attributeBytes = view.getUint16(offset, hostIsLittleEndian);
    const type = view.getUint16(offset + 2, hostIsLittleEndian) & attributeTypeMask;
    if (attributeBytes < attributeHeaderBytes || offset + attributeBytes > end) return null;
    if (type === nduseroptSrcaddr && attributeBytes === attributeHeaderBytes + 16) {
      return bytes.slice(offset + attributeHeaderBytes, offset + attributeHeaderBytes + 16);
    }
    offset += align4(attributeBytes);
  }
  return null;
}

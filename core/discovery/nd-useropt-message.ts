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

import { align4, forEachNetlinkMessage, hostIsLittleEndian, netlinkAttribute } from '../wire/netlink.js';
import { parseNdOptions, pref64Options, type NdOption } from './nd-options.js';
import type { Pref64Option } from './pref64-option.js';
import { rdnssOptions, type RdnssOption } from './rdnss-option.js';
import { routerAdvertisementType } from './router-advertisement.js';

const rtmNewNdUserOpt = 68;
const nduseroptSrcaddr = 1;
export const afInet6 = 10;

const nduseroptHeaderBytes = 16;

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
  /** The usable RDNSS options among them (RFC 8106 §5.1): the kernel passes those on too. */
  readonly rdnss: readonly RdnssOption[];
}

/**
 * Every RTM_NEWNDUSEROPT message about a Router Advertisement in one datagram read from the netlink
 * socket. Other message types, other ICMPv6 types, other families and malformed messages are skipped;
 * parsing stops at NLMSG_DONE or at a header that does not fit. Never throws; never keeps `bytes`.
 */
export function parseNdUserOptMessages(bytes: Uint8Array): NdUserOptMessage[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const messages: NdUserOptMessage[] = [];
  forEachNetlinkMessage(bytes, view, (type, body, end) => {
    if (type !== rtmNewNdUserOpt) return;
    const message = parseOne(bytes, view, body, end);
    if (message !== null) messages.push(message);
  });
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
    router: routerAddress(netlinkAttribute(bytes, view, start + align4(nduseroptHeaderBytes + optionsBytes), end, nduseroptSrcaddr)),
    options: parsed.options,
    pref64: pref64Options(bytes, parsed.options),
    rdnss: rdnssOptions(bytes, parsed.options),
  };
}

/** NDUSEROPT_SRCADDR's value when it is an IPv6 address. */
function routerAddress(value: Uint8Array | null): Uint8Array | null {
  return value !== null && value.length === 16 ? value : null;
}

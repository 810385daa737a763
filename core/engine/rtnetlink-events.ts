// What the kernel's rtnetlink events (netlink-subscription.ts) are about, as far as the engine
// reacts to them: which link, which address on which link, which family's routes. The engine
// reads the uplink again only for events that can change it; a router advertising every few
// seconds refreshes the SLAAC address and the default route each time, and reading the uplink
// means running `ip`, whose fork stalls the packet path for milliseconds.
//
//   nlmsghdr    u32 length (header included), u16 type, u16 flags, u32 seq, u32 pid     16 bytes
//   ifinfomsg   u8 family, u8 pad, u16 type, i32 index, u32 flags, u32 change           16 bytes
//   ifaddrmsg   u8 family, u8 prefixlen, u8 flags, u8 scope, u32 index                  8 bytes
//   rtmsg       u8 family, u8 dst_len, …                                                12 bytes
//   attributes  u16 length (header included), u16 type, value, each padded to 4;
//               IFA_ADDRESS (1) holds an address message's address
// Netlink fields are in host byte order (linux/netlink.h, linux/rtnetlink.h, linux/if_addr.h).

import { afInet6, hostIsLittleEndian, netlinkHeaderBytes } from '../discovery/nd-useropt-message.js';

export { afInet6 };

export type RtnetlinkEvent =
  | { readonly kind: 'link'; readonly ifindex: number }
  | {
      readonly kind: 'address';
      readonly added: boolean;
      readonly ifindex: number;
      readonly family: number;
      readonly prefixLength: number;
      /** ifa_flags (IFA_F_*: tentative, deprecated, …). */
      readonly flags: number;
      readonly address: Uint8Array | null;
    }
  | { readonly kind: 'route'; readonly family: number; readonly destinationLength: number };

export const afInet = 2;

const rtmNewLink = 16;
const rtmDelLink = 17;
const rtmNewAddr = 20;
const rtmDelAddr = 21;
const rtmNewRoute = 24;
const rtmDelRoute = 25;
const nlmsgDone = 3;

const ifinfoBytes = 16;
const ifaddrBytes = 8;
const rtmsgBytes = 12;
const attributeHeaderBytes = 4;
const ifaAddress = 1;
/** IFA_F_DEPRECATED: the address's preferred lifetime ran out (a network being renumbered). */
export const ifaFlagDeprecated = 0x20;

/**
 * The link, address and route events in one datagram. Other message types are skipped; a message
 * whose length does not fit ends the parse (what follows cannot be found). Never throws.
 */
export function rtnetlinkEvents(bytes: Uint8Array): RtnetlinkEvent[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: RtnetlinkEvent[] = [];
  let offset = 0;
  while (offset + netlinkHeaderBytes <= bytes.length) {
    const messageBytes = view.getUint32(offset, hostIsLittleEndian);
    const type = view.getUint16(offset + 4, hostIsLittleEndian);
    if (messageBytes < netlinkHeaderBytes || offset + messageBytes > bytes.length || type === nlmsgDone) break;
    const body = offset + netlinkHeaderBytes;
    const end = offset + messageBytes;
    if ((type === rtmNewLink || type === rtmDelLink) && body + ifinfoBytes <= end) {
      events.push({ kind: 'link', ifindex: view.getInt32(body + 4, hostIsLittleEndian) });
    } else if ((type === rtmNewAddr || type === rtmDelAddr) && body + ifaddrBytes <= end) {
      const family = bytes[body];
      events.push({
        kind: 'address',
        added: type === rtmNewAddr,
        ifindex: view.getUint32(body + 4, hostIsLittleEndian),
        family,
        prefixLength: bytes[body + 1],
        flags: bytes[body + 2],
        address: addressAttribute(bytes, view, body + ifaddrBytes, end),
      });
    } else if ((type === rtmNewRoute || type === rtmDelRoute) && body + rtmsgBytes <= end) {
      events.push({ kind: 'route', family: bytes[body], destinationLength: bytes[body + 1] });
    }
    offset += (messageBytes + 3) & ~3;
  }
  return events;
}

/** IFA_ADDRESS's value, a copy; null if the message has none. */
function addressAttribute(bytes: Uint8Array, view: DataView, from: number, end: number): Uint8Array | null {
  let at = from;
  while (at + attributeHeaderBytes <= end) {
    const length = view.getUint16(at, hostIsLittleEndian);
    if (length < attributeHeaderBytes || at + length > end) return null;
    if ((view.getUint16(at + 2, hostIsLittleEndian) & 0x3fff) === ifaAddress) return bytes.slice(at + attributeHeaderBytes, at + length);
    at += (length + 3) & ~3;
  }
  return null;
}

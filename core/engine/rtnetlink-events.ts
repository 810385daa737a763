// What the kernel's rtnetlink events (netlink-subscription.ts) are about, as far as the engine
// reacts to them: which link, which address on which link, which family's routes. The engine
// reads the uplink again only for events that can change it; a router advertising every few
// seconds refreshes the SLAAC address and the default route each time, and reading the uplink
// means running `ip`, whose fork stalls the packet path for milliseconds.
//
//   nlmsghdr    16 bytes (core/wire/netlink.ts)
//   ifinfomsg   u8 family, u8 pad, u16 type, i32 index, u32 flags, u32 change           16 bytes
//   ifaddrmsg   u8 family, u8 prefixlen, u8 flags, u8 scope, u32 index                  8 bytes
//   rtmsg       u8 family, u8 dst_len, …                                                12 bytes
//   attributes  after the message; IFA_ADDRESS (1) holds an address message's address, RTA_OIF (4)
//               a route's interface (u32) and RTA_GATEWAY (5) its next hop
// Netlink fields are in host byte order (linux/netlink.h, linux/rtnetlink.h, linux/if_addr.h).

import { afInet6 } from '../discovery/nd-useropt-message.js';
import { forEachNetlinkMessage, hostIsLittleEndian, netlinkAttribute } from '../wire/netlink.js';

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
  | {
      readonly kind: 'route';
      readonly added: boolean;
      readonly family: number;
      readonly destinationLength: number;
      /** RTA_OIF; 0 when absent (a multipath route names its interfaces elsewhere). */
      readonly oif: number;
      /** RTA_GATEWAY; null for a route to the link itself. */
      readonly gateway: Uint8Array | null;
    };

export const afInet = 2;

const rtmNewLink = 16;
const rtmDelLink = 17;
const rtmNewAddr = 20;
const rtmDelAddr = 21;
const rtmNewRoute = 24;
const rtmDelRoute = 25;

const ifinfoBytes = 16;
const ifaddrBytes = 8;
const rtmsgBytes = 12;
const ifaAddress = 1;
const rtaOif = 4;
const rtaGateway = 5;
/** IFA_F_DEPRECATED: the address's preferred lifetime ran out (a network being renumbered). */
export const ifaFlagDeprecated = 0x20;

/**
 * The link, address and route events in one datagram. Other message types are skipped; a message
 * whose length does not fit ends the parse (what follows cannot be found). Never throws.
 */
export function rtnetlinkEvents(bytes: Uint8Array): RtnetlinkEvent[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: RtnetlinkEvent[] = [];
  forEachNetlinkMessage(bytes, view, (type, body, end) => {
    if ((type === rtmNewLink || type === rtmDelLink) && body + ifinfoBytes <= end) {
      events.push({ kind: 'link', ifindex: view.getInt32(body + 4, hostIsLittleEndian) });
    } else if ((type === rtmNewAddr || type === rtmDelAddr) && body + ifaddrBytes <= end) {
      events.push({
        kind: 'address',
        added: type === rtmNewAddr,
        ifindex: view.getUint32(body + 4, hostIsLittleEndian),
        family: bytes[body],
        prefixLength: bytes[body + 1],
        flags: bytes[body + 2],
        address: netlinkAttribute(bytes, view, body + ifaddrBytes, end, ifaAddress),
      });
    } else if ((type === rtmNewRoute || type === rtmDelRoute) && body + rtmsgBytes <= end) {
      const oif = netlinkAttribute(bytes, view, body + rtmsgBytes, end, rtaOif);
      events.push({
        kind: 'route',
        added: type === rtmNewRoute,
        family: bytes[body],
        destinationLength: bytes[body + 1],
        oif: oif !== null && oif.length >= 4 ? new DataView(oif.buffer, oif.byteOffset, 4).getUint32(0, hostIsLittleEndian) : 0,
        gateway: netlinkAttribute(bytes, view, body + rtmsgBytes, end, rtaGateway),
      });
    }
  });
  return events;
}

// Feeds the RA cache (ra-cache.ts) from the engine's rtnetlink subscription, which lives as long as
// the engine: RTM_NEWNDUSEROPT messages carry the options of every RA the kernel processed (PREF64
// and RDNSS among them, one option per message), and link messages tell when an interface loses its
// link, after which what its RAs said no longer holds. Standard-only; never throws.
//
//   ifinfomsg   u8 family, u8 pad, u16 type, i32 index, u32 flags, u32 change          16 bytes

import { forEachNetlinkMessage, hostIsLittleEndian } from '../wire/netlink.js';
import { formatIpv6 } from '../wire/address.js';
import { parseNdUserOptMessages } from './nd-useropt-message.js';
import type { RaCache } from './ra-cache.js';

const rtmNewLink = 16;
const rtmDelLink = 17;
const ifinfoBytes = 16;
/** IFF_UP and IFF_LOWER_UP (linux/if.h): administratively up, and with a carrier. */
const iffUp = 0x1;
const iffLowerUp = 0x10000;

/** Takes in one datagram read from an rtnetlink socket (groups link and ND user options). */
export function feedRaCache(cache: RaCache, datagram: Uint8Array, atMs: number): void {
  for (const message of parseNdUserOptMessages(datagram)) {
    cache.observe({
      ifindex: message.ifindex,
      atMs,
      router: message.router === null ? null : formatIpv6(message.router),
      pref64: message.pref64,
      rdnss: message.rdnss,
    });
  }
  for (const ifindex of linksWithoutCarrier(datagram)) cache.forget(ifindex);
}

/** The interfaces a datagram reports gone, down, or without carrier. */
export function linksWithoutCarrier(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const down: number[] = [];
  forEachNetlinkMessage(bytes, view, (type, body, end) => {
    if ((type !== rtmNewLink && type !== rtmDelLink) || body + ifinfoBytes > end) return;
    const ifindex = view.getInt32(body + 4, hostIsLittleEndian);
    const flags = view.getUint32(body + 8, hostIsLittleEndian);
    if (type === rtmDelLink || (flags & iffUp) === 0 || (flags & iffLowerUp) === 0) down.push(ifindex);
  });
  return down;
}
